#include "ftpsniff/reply_phrases.hpp"

#include "builtin_data.hpp"
#include "tsv_reader.hpp"

#include <array>

namespace ftpsniff {

ReplyPhrases ReplyPhrases::parse(std::string_view tsv, std::string_view origin) {
    static constexpr std::array<std::string_view, 6> kColumns = {"text",    "after",    "id",
                                                                 "variant", "settings", "source"};
    ReplyPhrases out;
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        if (f[0].empty() || f[2].empty() || f[5].empty()) reader.fail("text, id and source must not be empty");
        if (f[1] != "USER" && f[1] != "PASS" && f[1] != "login" && f[1] != "*") {
            reader.fail(fmt::format("after '{}' is not USER, PASS, login or *", f[1]));
        }
        out.rows_.push_back(
            Row{std::string(f[0]), std::string(f[1]), std::string(f[2]), std::string(f[3]), std::string(f[4])});
    }
    return out;
}

const ReplyPhrases& ReplyPhrases::builtin() {
    static const ReplyPhrases table = parse(builtin_file("reply_phrases.tsv"), "data/reply_phrases.tsv");
    return table;
}

std::optional<ReplyPhrases::Finding> ReplyPhrases::match(std::string_view verb, std::string_view line) const {
    const bool login = verb == "USER" || verb == "PASS";
    for (const Row& row : rows_) {
        if (row.after != "*" && row.after != verb && !(row.after == "login" && login)) continue;
        std::size_t at = line.find(row.text);
        if (at == std::string_view::npos) continue;
        std::string_view rest = line.substr(at + row.text.size());
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        return Finding{row.id, row.variant, rest, row.settings};
    }
    return std::nullopt;
}

}  // namespace ftpsniff
