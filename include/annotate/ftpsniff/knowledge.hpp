// The reply-code knowledge base: one entry per code, plus variants for a code
// that follows a given command. Loaded from data/reply_codes.tsv, which the
// build compiles into the binary.
#pragma once

#include "ftpsniff/labels.hpp"

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ftpsniff {

struct CodeEntry {
    int code = 0;
    std::string after;  // upper-case verb for a context variant, "" for the generic entry
    std::string name;   // the code's, for a variant too
    std::string meaning;
    std::string when;
    std::string remedy;
    std::string source;
};

// A knowledge file is malformed; `what()` names the file and line.
class KnowledgeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class KnowledgeBase {
public:
    // Parses the tab-separated format of data/reply_codes.tsv. `origin`
    // names the text in error messages.
    static KnowledgeBase parse(std::string_view tsv, std::string_view origin);
    // The copy compiled into the binary: English, or English with the
    // entries of data/reply_codes.<lang>.tsv in their place where it has them.
    static const KnowledgeBase& builtin(Lang lang = Lang::en);

    // Adds `other`'s entries, replacing those with the same code and context.
    void merge(const KnowledgeBase& other);

    // The variant for `after` if there is one, else the generic entry, else null.
    [[nodiscard]] const CodeEntry* find(int code, std::string_view after = {}) const;
    // For a code the base does not list: an entry explained from its digits
    // alone, made on first use and kept (one per code, at most 1,000 for
    // three digits). Not thread-safe.
    [[nodiscard]] const CodeEntry& unlisted(int code) const;
    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    [[nodiscard]] Lang lang() const { return lang_; }
    [[nodiscard]] std::vector<const CodeEntry*> entries() const;
    // The entries for `code` after particular commands, by verb.
    [[nodiscard]] std::vector<const CodeEntry*> variants(int code) const;

private:
    void name_variants();
    // Finds (code, verb) without making a string of the verb.
    struct KeyLess {
        using is_transparent = void;
        template <class A, class B>
        bool operator()(const A& a, const B& b) const {
            if (a.first != b.first) return a.first < b.first;
            return std::string_view(a.second) < std::string_view(b.second);
        }
    };
    std::map<std::pair<int, std::string>, CodeEntry, KeyLess> entries_;
    mutable std::map<int, CodeEntry> unlisted_;
    Lang lang_ = Lang::en;  // of its words, and of those made for unlisted codes
};

}  // namespace ftpsniff
