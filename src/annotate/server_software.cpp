#include "ftpsniff/server_software.hpp"

#include "builtin_data.hpp"
#include "tsv_reader.hpp"

#include <algorithm>
#include <array>

namespace ftpsniff {

namespace {

constexpr std::array<std::string_view, 5> kColumns = {"product", "where", "text", "version", "source"};

// A version is a word that starts with a digit: "3.0.3", "1.3.5e", "2.6.2(1)".
std::string version_at(std::string_view rest) {
    if (rest.empty() || rest.front() < '0' || rest.front() > '9') return {};
    std::size_t end = 0;
    while (end < rest.size() && rest[end] != ' ' && rest[end] != ')' && rest[end] != ',') ++end;
    // "2.6.2(1)": a build number in parentheses belongs to the version.
    if (end < rest.size() && rest[end] == ')' && rest.substr(0, end).find('(') != std::string_view::npos) ++end;
    return std::string(rest.substr(0, std::min(end, kVersionMost)));
}

}  // namespace

ServerSignatures ServerSignatures::parse(std::string_view tsv, std::string_view origin) {
    ServerSignatures out;
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        Row row;
        row.product = f[0];
        if (f[1] == "greeting") {
            row.where = SoftwareClue::greeting;
        } else if (f[1] == "syst") {
            row.where = SoftwareClue::syst;
        } else if (f[1] == "reply") {
            row.where = SoftwareClue::reply;
        } else {
            reader.fail(fmt::format("where '{}' is not greeting, syst or reply", f[1]));
        }
        if (f[0].empty() || f[2].empty() || f[4].empty()) reader.fail("product, text and source must not be empty");
        if (f[3] != "after" && !f[3].empty()) reader.fail(fmt::format("version '{}' is not 'after' or empty", f[3]));
        row.text = f[2];
        row.version_after = f[3] == "after";
        out.rows_.push_back(std::move(row));
    }
    return out;
}

const ServerSignatures& ServerSignatures::builtin() {
    static const ServerSignatures table = parse(builtin_file("servers.tsv"), "data/servers.tsv");
    return table;
}

std::optional<ServerSoftware> ServerSignatures::match(std::string_view line, SoftwareClue where) const {
    for (const Row& row : rows_) {
        if (row.where != where) continue;
        std::size_t at = line.find(row.text);
        if (at == std::string_view::npos) continue;
        ServerSoftware found{row.product, {}, where};
        if (row.version_after) found.version = version_at(line.substr(at + row.text.size()));
        return found;
    }
    return std::nullopt;
}

ServerSettings ServerSettings::parse(std::string_view tsv, std::string_view origin) {
    static constexpr std::array<std::string_view, 4> kSettingsColumns = {"product", "topic", "settings", "source"};
    ServerSettings out;
    TsvReader reader(tsv, origin, kSettingsColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        for (std::string_view field : f) {
            if (field.empty()) reader.fail("a field is empty");
        }
        out.rows_.push_back(Row{std::string(f[0]), std::string(f[1]), std::string(f[2])});
    }
    return out;
}

const ServerSettings& ServerSettings::builtin() {
    static const ServerSettings table = parse(builtin_file("server_settings.tsv"), "data/server_settings.tsv");
    return table;
}

std::string ServerSettings::for_product(std::string_view topic, const std::string* product) const {
    std::string all;
    for (const Row& row : rows_) {
        if (row.topic != topic) continue;
        if (product != nullptr && row.product == *product) return row.settings;
        if (!all.empty()) all += ", ";
        all += row.settings;
    }
    // Another product's settings would send its administrator the wrong way.
    if (product != nullptr && !all.empty()) return fmt::format("{}'s own setting for it", *product);
    return all;
}

std::string_view clue_name(SoftwareClue c) {
    switch (c) {
    case SoftwareClue::greeting: return "greeting";
    case SoftwareClue::syst: return "syst";
    case SoftwareClue::reply: return "reply";
    }
    return "";
}

}  // namespace ftpsniff
