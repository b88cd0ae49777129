#include "ftpsniff/knowledge_files.hpp"

namespace ftpsniff {

namespace {

// The first line that is neither blank nor a comment.
std::string_view header_line(std::string_view tsv) {
    while (!tsv.empty()) {
        std::string_view line = tsv.substr(0, tsv.find('\n'));
        tsv.remove_prefix(line.size() < tsv.size() ? line.size() + 1 : tsv.size());
        if (!line.empty() && line.front() != '#' && line != "\r") return line;
    }
    return {};
}

}  // namespace

Knowledge Knowledge::builtin(Lang lang) {
    return {KnowledgeBase::builtin(lang), DiagnosisTexts::builtin(lang), ServerMessages::builtin(lang)};
}

void Knowledge::add(std::string_view tsv, std::string_view origin) {
    if (header_line(tsv).starts_with("code\ttext\t")) {
        messages.put_first(ServerMessages::parse(tsv, origin));
    } else if (header_line(tsv).starts_with("id\t")) {
        diagnoses.translate(DiagnosisTexts::parse(tsv, origin, true), origin);
    } else {
        codes.merge(KnowledgeBase::parse(tsv, origin));
    }
}

}  // namespace ftpsniff
