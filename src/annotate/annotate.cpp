#include "ftpsniff/annotate.hpp"

#include <fmt/format.h>

namespace ftpsniff {

namespace {

// Advice by class for a code the knowledge base does not list (RFC 959 §4.2.1).
std::string_view class_remedy(int code) {
    switch (code / 100) {
    case 1: return "Wait for the final reply to the same command.";
    case 2: return "Nothing to fix: the command succeeded.";
    case 3: return "Send the command the server is waiting for (for example PASS, ACCT or RNTO).";
    case 4: return "A temporary failure: retry the same command later; if it persists, check the server's log.";
    case 5: return "A permanent failure: do not repeat the command unchanged; read the reply text and the server's log.";
    default: return "This code is outside RFC 959's classes; read the reply text and the server's documentation.";
    }
}

}  // namespace

Annotation annotate(const KnowledgeBase& kb, int code, std::optional<std::string_view> command) {
    Annotation a;
    a.code = code;
    a.reply_class = reply_class(code);
    if (const CodeEntry* e = kb.find(code, command.value_or(std::string_view{}))) {
        a.name = e->name;
        a.meaning = e->meaning;
        a.remedy = e->remedy;
        a.source = e->source;
        return a;
    }
    a.known = false;
    a.name = fmt::format("Unlisted code {}", code);
    a.meaning = fmt::format("A code the knowledge base does not list. Its first digit makes it {}; its second "
                            "digit, {}.",
                            a.reply_class, reply_function(code));
    a.remedy = std::string(class_remedy(code));
    a.source = "RFC 959 §4.2.1 (digit meanings)";
    return a;
}

}  // namespace ftpsniff
