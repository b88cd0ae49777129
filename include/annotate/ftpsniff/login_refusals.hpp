// Refusals of a login that are not about the password (anonymous only, TLS
// required, no change of user...), by the server's own wording:
// data/login_refusals.tsv.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

class LoginRefusals {
public:
    struct Finding {
        std::string_view id;
        std::string_view variant;
    };

    // Throws KnowledgeError naming `origin` and the line.
    static LoginRefusals parse(std::string_view tsv, std::string_view origin);
    static const LoginRefusals& builtin();

    // The diagnosis for a refusal of `verb` (USER or PASS) saying `line`.
    [[nodiscard]] std::optional<Finding> match(std::string_view verb, std::string_view line) const;

private:
    struct Row {
        std::string text, after, id, variant;
    };
    std::vector<Row> rows_;
};

}  // namespace ftpsniff
