// `ftpsniff explain`: a reply code's full entry, two codes side by side, the
// server messages a reply line holds, or a client's Winsock error, as text
// for people or as JSON, in the reader's language.
#pragma once

#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/labels.hpp"
#include "ftpsniff/phrases.hpp"
#include "ftpsniff/server_messages.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

// A code's explanation: its entry (after `after` where the base has that
// variant), or one made from its digits when the base does not list it.
struct Explanation {
    int code = 0;
    Lang lang = Lang::en;
    std::string_view reply_class;
    bool known = true;
    std::string asked_after;  // the command asked about, "" for none
    std::string after;        // the variant shown, "" for the generic entry
    std::string name;
    std::string meaning;
    std::string when;
    std::string remedy;
    std::string source;
    std::vector<const CodeEntry*> variants;  // every context variant of the code
};

// A reply code is exactly three digits.
std::optional<int> parse_code(std::string_view text);

Explanation explain(const KnowledgeBase& kb, int code, std::optional<std::string_view> after, Lang lang = Lang::en);
// What sets two codes apart, one sentence each: their classes and
// functions, which commands get each, when in a session and in how many
// lines each comes, and what the client does after each.
std::vector<std::string> differences(const Explanation& a, const Explanation& b);

std::string explain_text(const Explanation& e, const Labels& labels);
std::string explain_json(const Explanation& e);
std::string compare_text(const Explanation& a, const Explanation& b, const Labels& labels);
std::string compare_json(const Explanation& a, const Explanation& b);
// A reply line's server messages (server_messages.tsv) before its code's entry.
std::string messages_text(std::string_view line, const std::vector<const ServerMessage*>& found, const Explanation& e,
                          const Labels& labels);
std::string messages_json(std::string_view line, const std::vector<const ServerMessage*>& found, const Explanation& e);
// A Winsock error (client_errors.tsv): the client's own, not a reply.
std::string client_error_text(std::string_view code, const ClientError& error, Lang lang, const Labels& labels);
std::string client_error_json(std::string_view code, const ClientError& error);

}  // namespace ftpsniff
