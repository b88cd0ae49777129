#include "ftpsniff/annotate.hpp"

#include "ftpsniff/phrases.hpp"

namespace ftpsniff {

Annotation annotate(const KnowledgeBase& kb, int code, std::optional<std::string_view> command) {
    Annotation a;
    a.code = code;
    a.reply_class = Phrases::builtin(kb.lang()).reply_class(code);
    a.entry = kb.find(code, command.value_or(std::string_view{}));
    if (a.entry == nullptr) {
        a.known = false;
        a.entry = &kb.unlisted(code);
    }
    a.name = a.entry->name;
    a.meaning = a.entry->meaning;
    a.remedy = a.entry->remedy;
    a.source = a.entry->source;
    return a;
}

void use_message(Annotation& note, const ServerMessage& message) {
    note.message = &message;
    note.meaning = message.meaning;
    note.remedy = message.remedy;
    note.source = message.source;
}

}  // namespace ftpsniff
