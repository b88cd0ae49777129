// Annotate stage: what a reply means and what to do about it, from the
// knowledge base, in the context of the command it answers.
#pragma once

#include "ftpsniff/diagnose.hpp"
#include "ftpsniff/knowledge.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ftpsniff {

struct Annotation {
    int code = 0;
    std::string_view reply_class;      // "5xx permanent negative completion"
    const CodeEntry* entry = nullptr;  // the knowledge base's entry, which holds the texts below
    std::string_view name;
    std::string_view meaning;
    std::string_view remedy;
    std::string_view source;
    bool known = true;  // false: explained from its digits alone
    std::vector<Diagnosis> diagnoses;
};

Annotation annotate(const KnowledgeBase& kb, int code, std::optional<std::string_view> command);

}  // namespace ftpsniff
