// Annotate stage: what a reply means and what to do about it, from the
// knowledge base, in the context of the command it answers.
#pragma once

#include "ftpsniff/diagnose.hpp"
#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/server_messages.hpp"
#include "ftpsniff/server_software.hpp"

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
    // The server's own message the reply carries, whose meaning, remedy and
    // source are the ones above; null when the code's entry explains it.
    const ServerMessage* message = nullptr;
    std::vector<Diagnosis> diagnoses;
    // The server's software as far as the session has shown it: on its
    // greeting and on its session's end.
    const ServerSoftware* software = nullptr;
    // On a session's end: what went wrong in it, if anything.
    const SessionVerdict* verdict = nullptr;
};

Annotation annotate(const KnowledgeBase& kb, int code, std::optional<std::string_view> command);
// Explains `note`'s reply by the server's own message instead of its code.
void use_message(Annotation& note, const ServerMessage& message);

// A 4xx or 5xx reply: the command failed, for now or for good (RFC 959 §4.2.1).
inline bool is_negative(int code) { return code / 100 == 4 || code / 100 == 5; }
// What --errors keeps and the report lists: a negative reply or one with diagnoses.
inline bool is_finding(int code, const Annotation& note) { return is_negative(code) || !note.diagnoses.empty(); }

}  // namespace ftpsniff
