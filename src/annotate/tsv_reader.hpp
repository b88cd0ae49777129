// Reads the knowledge files in data/: tab-separated, '#' comments and blank
// lines skipped, one header line naming the columns, then rows of exactly
// that many fields. Errors name the file and line.
#pragma once

#include "ftpsniff/knowledge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <string_view>
#include <vector>

namespace ftpsniff {

class TsvReader {
public:
    TsvReader(std::string_view text, std::string_view origin, std::span<const std::string_view> columns)
        : text_(text), origin_(origin), columns_(columns) {}

    // The next row's fields, or false at the end.
    bool next(std::vector<std::string_view>& fields) {
        while (!text_.empty()) {
            ++line_;
            std::size_t nl = text_.find('\n');
            std::string_view line = text_.substr(0, nl);
            text_.remove_prefix(nl == std::string_view::npos ? text_.size() : nl + 1);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.empty() || line.front() == '#') continue;
            split(line, fields);
            if (!header_seen_) {
                if (!std::equal(fields.begin(), fields.end(), columns_.begin(), columns_.end())) {
                    fail(fmt::format("expected the header line '{}'", fmt::join(columns_, "<TAB>")));
                }
                header_seen_ = true;
                continue;
            }
            if (fields.size() != columns_.size()) {
                fail(fmt::format("expected {} tab-separated fields, found {}", columns_.size(), fields.size()));
            }
            return true;
        }
        if (!header_seen_) fail("no header line");
        return false;
    }

    [[noreturn]] void fail(std::string_view why) const {
        throw KnowledgeError(fmt::format("{}:{}: {}", origin_, line_, why));
    }

private:
    static void split(std::string_view line, std::vector<std::string_view>& out) {
        out.clear();
        for (;;) {
            std::size_t tab = line.find('\t');
            out.push_back(line.substr(0, tab));
            if (tab == std::string_view::npos) return;
            line.remove_prefix(tab + 1);
        }
    }

    std::string_view text_;
    std::string_view origin_;
    std::span<const std::string_view> columns_;
    std::size_t line_ = 0;
    bool header_seen_ = false;
};

// An upper-case command verb, as the `after` and `verb` columns hold.
inline bool valid_verb(std::string_view v) {
    if (v.empty() || v.size() > 16) return false;
    return std::all_of(v.begin(), v.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace ftpsniff
