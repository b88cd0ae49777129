// Negative replies whose wording names their cause, by the server's own
// phrase (data/reply_phrases.tsv): refusals of a login that are not about
// the password (anonymous only, TLS required, no change of user...),
// vsftpd's fatal "500 OOPS: ...", timeouts, connection limits, full disks.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

class ReplyPhrases {
public:
    struct Finding {
        std::string_view id;
        std::string_view variant;
        std::string_view rest;      // of the line, after the phrase
        std::string_view settings;  // the server_settings.tsv topic for the remedy, or ""
    };

    // Throws KnowledgeError naming `origin` and the line.
    static ReplyPhrases parse(std::string_view tsv, std::string_view origin);
    static const ReplyPhrases& builtin();

    // The diagnosis for a negative reply to `verb` whose first line is
    // `line`, from a server identified as `product` (null: not identified).
    [[nodiscard]] std::optional<Finding> match(std::string_view verb, std::string_view line,
                                               const std::string* product = nullptr) const;

private:
    struct Row {
        std::string text, after, id, variant, settings, product;
        bool anchored = false;  // the text starts with a code: only at the line's start
    };
    std::vector<Row> rows_;
};

}  // namespace ftpsniff
