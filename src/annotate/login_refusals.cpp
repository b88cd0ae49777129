#include "ftpsniff/login_refusals.hpp"

#include "builtin_data.hpp"
#include "tsv_reader.hpp"

#include <array>

namespace ftpsniff {

LoginRefusals LoginRefusals::parse(std::string_view tsv, std::string_view origin) {
    static constexpr std::array<std::string_view, 5> kColumns = {"text", "after", "id", "variant", "source"};
    LoginRefusals out;
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        if (f[0].empty() || f[2].empty() || f[4].empty()) reader.fail("text, id and source must not be empty");
        if (!f[1].empty() && f[1] != "USER" && f[1] != "PASS") {
            reader.fail(fmt::format("after '{}' is not USER, PASS or empty", f[1]));
        }
        out.rows_.push_back(Row{std::string(f[0]), std::string(f[1]), std::string(f[2]), std::string(f[3])});
    }
    return out;
}

const LoginRefusals& LoginRefusals::builtin() {
    static const LoginRefusals table = parse(builtin_file("login_refusals.tsv"), "data/login_refusals.tsv");
    return table;
}

std::optional<LoginRefusals::Finding> LoginRefusals::match(std::string_view verb, std::string_view line) const {
    for (const Row& row : rows_) {
        if (!row.after.empty() && row.after != verb) continue;
        if (line.find(row.text) != std::string_view::npos) return Finding{row.id, row.variant};
    }
    return std::nullopt;
}

}  // namespace ftpsniff
