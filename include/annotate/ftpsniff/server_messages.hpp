// What a server means by its own wording (data/server_messages.tsv): a
// reply whose first line holds one of a server's messages is explained by
// that message's entry, for that command, before the generic one for its
// code, and the entry may name the diagnosis the wording makes (a refused
// login that is the server's policy, "500 OOPS: ...", a timeout, a full disk).
#pragma once

#include "ftpsniff/labels.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

struct ServerMessage {
    // A message a server sends with whatever code its previous reply had:
    // "any" in the file, matched at the line's start, from that product only.
    static constexpr int kAnyCode = 1000;
    int code = 0;
    std::string text;     // found in the reply's text; at its start when the file's text began with '^'
    std::string after;    // a verb, "login", "path" or "*"
    std::string product;  // as servers.tsv names it, or "*"
    std::string id;       // the diagnosis it makes, or ""
    std::string variant;
    std::string settings;  // the server_settings.tsv topic the diagnosis's remedy names, or ""
    std::string meaning;
    std::string remedy;
    std::string source;
    bool anchored = false;
};

class ServerMessages {
public:
    struct Match {
        const ServerMessage* message = nullptr;
    };

    // Throws KnowledgeError naming `origin` and the line.
    static ServerMessages parse(std::string_view tsv, std::string_view origin);
    // English, with data/server_messages.<lang>.tsv's meanings and remedies in place.
    static const ServerMessages& builtin(Lang lang = Lang::en);
    // Rows in the translations' format (code, text, after, product, meaning,
    // remedy) reword the entries with the same first four fields.
    void translate(std::string_view tsv, std::string_view origin);
    // `site`'s entries, matched before these.
    void put_first(const ServerMessages& site);

    // The entry that best explains a reply with `code` to `verb` ("" when it answers no
    // known command) whose `text` (the first line after the code) holds the
    // entry's text, from a server identified as `product`. Null: not
    // identified, when a product's entry counts only if no other product's
    // entry matches too.
    [[nodiscard]] std::optional<Match> match(int code, std::string_view verb, std::string_view text,
                                             const std::string* product = nullptr) const;
    // Every entry whose text the reply line `line` ("550 ...") holds, for any command.
    [[nodiscard]] std::vector<const ServerMessage*> find(std::string_view line) const;
    [[nodiscard]] std::span<const ServerMessage> entries() const { return rows_; }

private:
    void index();
    std::vector<ServerMessage> rows_;                  // by code, in the file's order within one
    std::array<std::uint16_t, 1001> first_by_code_{};  // rows_[first_by_code_[c], first_by_code_[c + 1])
};

}  // namespace ftpsniff
