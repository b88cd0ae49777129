#include "ftpsniff/knowledge.hpp"

#include "builtin_data.hpp"
#include "tsv_reader.hpp"

#include <fmt/format.h>

#include <array>
#include <vector>

namespace ftpsniff {

namespace {

constexpr std::array<std::string_view, 7> kColumns = {"code", "after", "name", "meaning", "when", "remedy", "source"};

}  // namespace

KnowledgeBase KnowledgeBase::parse(std::string_view tsv, std::string_view origin) {
    KnowledgeBase kb;
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> fields;
    while (reader.next(fields)) {
        std::string_view code = fields[0];
        if (code.size() != 3 || code.find_first_not_of("0123456789") != std::string_view::npos) {
            reader.fail(fmt::format("code '{}' is not three digits", code));
        }
        if (!fields[1].empty() && !valid_verb(fields[1])) {
            reader.fail(fmt::format("after '{}' is not an upper-case command verb", fields[1]));
        }
        for (std::size_t i = 2; i < fields.size(); ++i) {
            if (fields[i].empty()) reader.fail(fmt::format("field '{}' is empty", kColumns[i]));
        }
        CodeEntry e{std::stoi(std::string(code)), std::string(fields[1]), std::string(fields[2]),
                    std::string(fields[3]),       std::string(fields[4]), std::string(fields[5]),
                    std::string(fields[6])};
        auto key = std::pair{e.code, e.after};
        if (!kb.entries_.emplace(key, std::move(e)).second) {
            reader.fail(fmt::format("code {} {}is listed twice", code,
                                    fields[1].empty() ? std::string() : fmt::format("after {} ", fields[1])));
        }
    }
    return kb;
}

const KnowledgeBase& KnowledgeBase::builtin(Lang lang) {
    // English, and each other language's file over it.
    static const std::vector<KnowledgeBase> all = [] {
        std::vector<KnowledgeBase> out;
        for (const Language& l : languages()) {
            if (l.lang == Lang::en) {
                out.push_back(parse(builtin_file("reply_codes.tsv"), "data/reply_codes.tsv"));
                continue;
            }
            std::string name = fmt::format("reply_codes.{}.tsv", l.code);
            out.push_back(out.front());
            out.back().merge(parse(builtin_file(name), "data/" + name));
        }
        return out;
    }();
    return all[static_cast<std::size_t>(lang)];
}

void KnowledgeBase::merge(const KnowledgeBase& other) {
    for (const auto& [key, entry] : other.entries_) entries_.insert_or_assign(key, entry);
}

std::vector<const CodeEntry*> KnowledgeBase::variants(int code) const {
    std::vector<const CodeEntry*> out;
    for (auto it = entries_.lower_bound({code, std::string()}); it != entries_.end() && it->first.first == code; ++it) {
        if (!it->second.after.empty()) out.push_back(&it->second);
    }
    return out;
}

const CodeEntry* KnowledgeBase::find(int code, std::string_view after) const {
    if (!after.empty()) {
        auto it = entries_.find(std::pair{code, after});
        if (it != entries_.end()) return &it->second;
    }
    auto it = entries_.find(std::pair{code, std::string_view()});
    return it != entries_.end() ? &it->second : nullptr;
}

namespace {

// Advice by class for a code the knowledge base does not list (RFC 959 §4.2.1).
std::string_view class_remedy(int code) {
    switch (code / 100) {
    case 1: return "Wait for the final reply to the same command.";
    case 2: return "Nothing to fix: the command succeeded.";
    case 3: return "Send the command the server is waiting for (for example PASS, ACCT or RNTO).";
    case 4: return "A temporary failure: retry the same command later; if it persists, check the server's log.";
    case 5:
        return "A permanent failure: do not repeat the command unchanged; read the reply text and the server's log.";
    default: return "This code is outside RFC 959's classes; read the reply text and the server's documentation.";
    }
}

}  // namespace

const CodeEntry& KnowledgeBase::unlisted(int code) const {
    auto [it, fresh] = unlisted_.try_emplace(code);
    if (fresh) {
        CodeEntry& e = it->second;
        e.code = code;
        e.name = fmt::format("Unlisted code {}", code);
        e.meaning = fmt::format(
            "A code the knowledge base does not list. Its first digit makes it {}; its second "
            "digit, {}.",
            reply_class(code), reply_function(code));
        e.remedy = std::string(class_remedy(code));
        e.source = "RFC 959 §4.2.1 (digit meanings)";
    }
    return it->second;
}

std::vector<const CodeEntry*> KnowledgeBase::entries() const {
    std::vector<const CodeEntry*> out;
    out.reserve(entries_.size());
    for (const auto& [key, entry] : entries_) out.push_back(&entry);
    return out;
}

std::string_view reply_class(int code) {
    static constexpr std::array<std::string_view, 10> kClasses = {"0xx (no such class)",
                                                                  "1xx positive preliminary",
                                                                  "2xx positive completion",
                                                                  "3xx positive intermediate",
                                                                  "4xx transient negative completion",
                                                                  "5xx permanent negative completion",
                                                                  "6xx protected",
                                                                  "7xx (no such class)",
                                                                  "8xx (no such class)",
                                                                  "9xx (no such class)"};
    return kClasses[static_cast<std::size_t>(code / 100 % 10)];
}

std::string_view reply_function(int code) {
    switch (code / 10 % 10) {
    case 0: return "syntax";
    case 1: return "information";
    case 2: return "connections";
    case 3: return "authentication and accounting";
    case 4: return "unspecified";
    case 5: return "file system";
    default: return "no function (unassigned second digit)";
    }
}

}  // namespace ftpsniff
