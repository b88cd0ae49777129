#include "ftpsniff/knowledge.hpp"

#include "ftpsniff/phrases.hpp"
#include "per_language.hpp"
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
        if (!fields[1].empty() && !fields[2].empty()) {
            reader.fail(fmt::format("a variant (after {}) shows its code's name: leave name empty", fields[1]));
        }
        for (std::size_t i = fields[1].empty() ? 2 : 3; i < fields.size(); ++i) {
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
    kb.name_variants();
    return kb;
}

const KnowledgeBase& KnowledgeBase::builtin(Lang lang) {
    static const std::vector<KnowledgeBase> all =
        per_language<KnowledgeBase>("reply_codes", &KnowledgeBase::parse,
                                    [](KnowledgeBase& base, std::string_view tsv, std::string_view origin, Lang in) {
                                        base.merge(parse(tsv, origin));
                                        base.lang_ = in;
                                    });
    return all[static_cast<std::size_t>(lang)];
}

void KnowledgeBase::merge(const KnowledgeBase& other) {
    for (const auto& [key, entry] : other.entries_) entries_.insert_or_assign(key, entry);
    name_variants();
}

// One name per code: a variant shows its generic entry's.
void KnowledgeBase::name_variants() {
    for (auto& [key, entry] : entries_) {
        if (entry.after.empty()) continue;
        if (const CodeEntry* generic = find(entry.code)) entry.name = generic->name;
    }
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

const CodeEntry& KnowledgeBase::unlisted(int code) const {
    auto [it, fresh] = unlisted_.try_emplace(code);
    if (fresh) {
        const Phrases& p = Phrases::builtin(lang_);
        const int digit = code / 100 % 10;
        CodeEntry& e = it->second;
        e.code = code;
        e.name = fmt::format(fmt::runtime(p.get("unlisted_name")), fmt::arg("code", code));
        e.meaning = fmt::format(fmt::runtime(p.get("unlisted_meaning")), fmt::arg("class", p.reply_class(code)),
                                fmt::arg("function", p.reply_function(code)));
        e.remedy = p.get(fmt::format("unlisted_remedy_{}", digit >= 1 && digit <= 5 ? digit : 0));
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

}  // namespace ftpsniff
