#include "ftpsniff/command_replies.hpp"

#include "builtin_data.hpp"
#include "tsv_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace ftpsniff {

namespace {

constexpr std::array<std::string_view, 3> kColumns = {"verb", "replies", "source"};
constexpr std::string_view kAnyCommand = "*";

std::vector<int> parse_codes(std::string_view text, const TsvReader& reader) {
    std::vector<int> codes;
    while (!text.empty()) {
        std::size_t space = text.find(' ');
        std::string_view item = text.substr(0, space);
        int code = 0;
        auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), code);
        if (item.size() != 3 || ec != std::errc() || end != item.data() + item.size() || code < 100) {
            reader.fail(fmt::format("'{}' is not a reply code", item));
        }
        codes.push_back(code);
        text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
    }
    if (codes.empty()) reader.fail("no reply codes");
    return codes;
}

}  // namespace

CommandReplies CommandReplies::parse(std::string_view tsv, std::string_view origin) {
    CommandReplies table;
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> fields;
    std::vector<int>& any = table.any_;
    while (reader.next(fields)) {
        if (fields[0] != kAnyCommand && !valid_verb(fields[0])) {
            reader.fail(fmt::format("'{}' is not an upper-case command verb", fields[0]));
        }
        if (fields[2].empty()) reader.fail("field 'source' is empty");
        if (!table.rows_.emplace(std::string(fields[0]), parse_codes(fields[1], reader)).second) {
            reader.fail(fmt::format("'{}' is listed twice", fields[0]));
        }
    }
    if (auto it = table.rows_.find(std::string(kAnyCommand)); it != table.rows_.end()) {
        any = std::move(it->second);
        std::sort(any.begin(), any.end());
        table.rows_.erase(it);
    }
    for (auto& [verb, codes] : table.rows_) {
        codes.insert(codes.end(), any.begin(), any.end());
        std::sort(codes.begin(), codes.end());
        codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    }
    return table;
}

const CommandReplies& CommandReplies::builtin() {
    static const CommandReplies table = parse(builtin_file("command_replies.tsv"), "data/command_replies.tsv");
    return table;
}

const std::vector<int>* CommandReplies::replies_of(std::string_view verb) const {
    // Abseil here has its own string_view type, which a std::string_view does not convert to.
    auto it = rows_.find(absl::string_view(verb.data(), verb.size()));
    return it == rows_.end() ? nullptr : &it->second;
}

std::vector<std::string_view> CommandReplies::verbs_getting(int code) const {
    std::vector<std::string_view> out;
    if (allows(any_, code)) return out;
    for (const auto& [verb, codes] : rows_) {
        if (allows(codes, code)) out.emplace_back(verb);
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool CommandReplies::any_may_get(int code) const { return allows(any_, code); }

bool CommandReplies::allows(const std::vector<int>& codes, int code) const {
    return std::binary_search(codes.begin(), codes.end(), code);
}

}  // namespace ftpsniff
