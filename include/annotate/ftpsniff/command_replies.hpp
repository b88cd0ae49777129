// Which replies each FTP command may get (RFC 959 §5.4 and later RFCs), read
// from data/command_replies.tsv, which the build compiles in.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

class CommandReplies {
public:
    // Throws KnowledgeError naming `origin` and the line.
    static CommandReplies parse(std::string_view tsv, std::string_view origin);
    static const CommandReplies& builtin();

    // The codes `verb` may get, its own and those any command may get; null
    // when the table does not list the verb (its replies are not checked).
    [[nodiscard]] const std::vector<int>* replies_of(std::string_view verb) const;
    [[nodiscard]] bool allows(const std::vector<int>& codes, int code) const;
    // Whether any command may get `code` (the `*` row).
    [[nodiscard]] bool any_may_get(int code) const;
    // The verbs whose own row lists `code`, sorted; none when any command may get it.
    [[nodiscard]] std::vector<std::string_view> verbs_getting(int code) const;

private:
    absl::flat_hash_map<std::string, std::vector<int>> rows_;  // sorted codes, `*` merged in
    std::vector<int> any_;                                     // the `*` row, sorted
};

}  // namespace ftpsniff
