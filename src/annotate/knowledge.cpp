#include "ftpsniff/knowledge.hpp"

#include "builtin_reply_codes.hpp"

#include <fmt/format.h>

#include <array>

namespace ftpsniff {

namespace {

constexpr std::array<std::string_view, 7> kColumns = {"code", "after", "name", "meaning", "when", "remedy", "source"};

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> out;
    for (;;) {
        std::size_t tab = line.find('\t');
        out.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) return out;
        line.remove_prefix(tab + 1);
    }
}

bool valid_verb(std::string_view v) {
    if (v.empty() || v.size() > 16) return false;
    for (char c : v) {
        if (c < 'A' || c > 'Z') return false;
    }
    return true;
}

}  // namespace

KnowledgeBase KnowledgeBase::parse(std::string_view tsv, std::string_view origin) {
    KnowledgeBase kb;
    bool header_seen = false;
    std::size_t lineno = 0;
    auto fail = [&](std::string_view why) {
        throw KnowledgeError(fmt::format("{}:{}: {}", origin, lineno, why));
    };
    while (!tsv.empty()) {
        ++lineno;
        std::size_t nl = tsv.find('\n');
        std::string_view line = tsv.substr(0, nl);
        tsv.remove_prefix(nl == std::string_view::npos ? tsv.size() : nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        auto fields = split_tabs(line);
        if (!header_seen) {
            if (!std::equal(fields.begin(), fields.end(), kColumns.begin(), kColumns.end())) {
                fail(fmt::format("expected the header line '{}'", fmt::join(kColumns, "<TAB>")));
            }
            header_seen = true;
            continue;
        }
        if (fields.size() != kColumns.size()) {
            fail(fmt::format("expected {} tab-separated fields, found {}", kColumns.size(), fields.size()));
        }
        std::string_view code = fields[0];
        if (code.size() != 3 || code.find_first_not_of("0123456789") != std::string_view::npos) {
            fail(fmt::format("code '{}' is not three digits", code));
        }
        if (!fields[1].empty() && !valid_verb(fields[1])) {
            fail(fmt::format("after '{}' is not an upper-case command verb", fields[1]));
        }
        for (std::size_t i = 2; i < fields.size(); ++i) {
            if (fields[i].empty()) fail(fmt::format("field '{}' is empty", kColumns[i]));
        }
        CodeEntry e{std::stoi(std::string(code)), std::string(fields[1]), std::string(fields[2]),
                    std::string(fields[3]), std::string(fields[4]), std::string(fields[5]), std::string(fields[6])};
        auto key = std::pair{e.code, e.after};
        if (!kb.entries_.emplace(key, std::move(e)).second) {
            fail(fmt::format("code {} {}is listed twice", code,
                             fields[1].empty() ? std::string() : fmt::format("after {} ", fields[1])));
        }
    }
    if (!header_seen) fail("no header line");
    return kb;
}

const KnowledgeBase& KnowledgeBase::builtin() {
    static const KnowledgeBase kb = parse(builtin_reply_codes(), "data/reply_codes.tsv");
    return kb;
}

const CodeEntry* KnowledgeBase::find(int code, std::string_view after) const {
    if (!after.empty()) {
        auto it = entries_.find(std::pair{code, std::string(after)});
        if (it != entries_.end()) return &it->second;
    }
    auto it = entries_.find(std::pair{code, std::string()});
    return it != entries_.end() ? &it->second : nullptr;
}

std::vector<const CodeEntry*> KnowledgeBase::entries() const {
    std::vector<const CodeEntry*> out;
    out.reserve(entries_.size());
    for (const auto& [key, entry] : entries_) out.push_back(&entry);
    return out;
}

std::string_view reply_class(int code) {
    switch (code / 100) {
    case 1: return "1xx positive preliminary";
    case 2: return "2xx positive completion";
    case 3: return "3xx positive intermediate";
    case 4: return "4xx transient negative completion";
    case 5: return "5xx permanent negative completion";
    case 6: return "6xx protected";
    default: return "unknown class";
    }
}

std::string_view reply_function(int code) {
    switch (code / 10 % 10) {
    case 0: return "syntax";
    case 1: return "information";
    case 2: return "connections";
    case 3: return "authentication and accounting";
    case 4: return "unspecified";
    case 5: return "file system";
    default: return "unassigned";
    }
}

}  // namespace ftpsniff
