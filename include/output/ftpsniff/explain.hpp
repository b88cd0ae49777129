// `ftpsniff explain`: a reply code's full entry, or two codes side by side,
// as text for people or as JSON, with headings in the reader's language.
#pragma once

#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/labels.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

// A code's explanation: its entry (after `after` where the base has that
// variant), or one made from its digits when the base does not list it.
struct Explanation {
    int code = 0;
    std::string_view reply_class;
    bool known = true;
    std::string after;  // the variant shown, "" for the generic entry
    std::string name;
    std::string meaning;
    std::string when;
    std::string remedy;
    std::string source;
    std::vector<const CodeEntry*> variants;  // every context variant of the code
};

// A reply code is exactly three digits.
std::optional<int> parse_code(std::string_view text);

Explanation explain(const KnowledgeBase& kb, int code, std::optional<std::string_view> after);
// What sets two codes apart, one sentence each.
std::vector<std::string> differences(const Explanation& a, const Explanation& b);

std::string explain_text(const Explanation& e, const Labels& labels);
std::string explain_json(const Explanation& e);
std::string compare_text(const Explanation& a, const Explanation& b, const Labels& labels);
std::string compare_json(const Explanation& a, const Explanation& b);

}  // namespace ftpsniff
