#include "ftpsniff/reply_phrases.hpp"

#include <algorithm>

#include "builtin_data.hpp"
#include "tsv_reader.hpp"

#include <array>
#include <cctype>

namespace ftpsniff {

ReplyPhrases ReplyPhrases::parse(std::string_view tsv, std::string_view origin) {
    static constexpr std::array<std::string_view, 7> kColumns = {"text",     "after",   "id",    "variant",
                                                                 "settings", "product", "source"};
    ReplyPhrases out;
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        if (f[0].empty() || f[2].empty() || f[5].empty() || f[6].empty()) {
            reader.fail("text, id, product and source must not be empty");
        }
        const bool verb = !f[1].empty() && f[1].size() <= 4 &&
                          std::all_of(f[1].begin(), f[1].end(), [](char c) { return c >= 'A' && c <= 'Z'; });
        if (!verb && f[1] != "login" && f[1] != "path" && f[1] != "*") {
            reader.fail(fmt::format("after '{}' is not a verb, login, path or *", f[1]));
        }
        const bool anchored = f[0].size() > 3 && std::isdigit(static_cast<unsigned char>(f[0][0])) != 0 &&
                              std::isdigit(static_cast<unsigned char>(f[0][1])) != 0 &&
                              std::isdigit(static_cast<unsigned char>(f[0][2])) != 0 && f[0][3] == ' ';
        out.rows_.push_back(Row{std::string(f[0]), std::string(f[1]), std::string(f[2]), std::string(f[3]),
                                std::string(f[4]), std::string(f[5]), anchored});
    }
    return out;
}

const ReplyPhrases& ReplyPhrases::builtin() {
    static const ReplyPhrases table = parse(builtin_file("reply_phrases.tsv"), "data/reply_phrases.tsv");
    return table;
}

namespace {

// Commands whose argument is a path (RFC 959 §4.1.3, RFC 3659).
bool takes_path(std::string_view verb) {
    static constexpr std::array<std::string_view, 17> kVerbs = {"RETR", "STOR", "STOU", "APPE", "DELE", "RMD",
                                                                "MKD",  "CWD",  "SIZE", "MDTM", "RNFR", "RNTO",
                                                                "LIST", "NLST", "MLSD", "MLST", "XMKD"};
    return std::find(kVerbs.begin(), kVerbs.end(), verb) != kVerbs.end();
}

}  // namespace

std::optional<ReplyPhrases::Finding> ReplyPhrases::match(std::string_view verb, std::string_view line,
                                                         const std::string* product) const {
    const bool login = verb == "USER" || verb == "PASS";
    const bool path = takes_path(verb);
    for (const Row& row : rows_) {
        if (row.after != "*" && row.after != verb && !(row.after == "login" && login) &&
            !(row.after == "path" && path)) {
            continue;
        }
        if (product != nullptr && row.product != "*" && row.product != *product) continue;
        // A phrase with its code is the start of the line; one without may
        // follow a name the server repeats ("<file>: Restart not permitted").
        std::size_t at = row.anchored ? (line.starts_with(row.text) ? 0 : std::string_view::npos) : line.find(row.text);
        if (at == std::string_view::npos) continue;
        std::string_view rest = line.substr(at + row.text.size());
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        return Finding{row.id, row.variant, rest, row.settings};
    }
    return std::nullopt;
}

}  // namespace ftpsniff
