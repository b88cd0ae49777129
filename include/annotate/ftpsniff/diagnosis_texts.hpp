// What each diagnosis is called, how serious it is and what it says, in
// each language: data/diagnoses.tsv and its translations. The code that
// decides when a diagnosis fires (diagnose.cpp, annotator.cpp) names it by
// id and variant and hands over the values its texts may name.
#pragma once

#include "ftpsniff/labels.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace ftpsniff {

enum class Severity : std::uint8_t { error, warning, info };

struct Diagnosis {
    std::string_view id;  // stable snake_case name, listed in the README
    Severity severity = Severity::warning;
    std::string message;
    std::string remedy;
    // The frame it points at, where that is not its event's own (a session
    // end's finding about a line seen earlier); 0 for the event's.
    std::uint64_t frame = 0;
};

// The values a message or remedy may name in braces: {code}, {command}, ...
struct DiagnosisFields {
    int code = 0;
    std::string_view command;   // the verb answered
    std::string_view expected;  // the replies it may get, "150, 226, 425"
    std::string_view error;     // why an address cannot be used
    std::string_view told;      // the address a PASV reply or PORT argument names
    std::string_view server;    // the server's address
    std::string_view client;    // the client's address
    std::string_view listener;  // a data connection's announced endpoint
    std::string_view settings;  // the server's settings for the remedy (server_settings.tsv)
    double seconds = 0;         // how long a reply took
    std::uint64_t failures = 0;
    std::uint64_t sessions = 0;
    std::uint64_t count = 0;           // SYNs sent
    std::uint64_t bytes = 0;           // bytes a data connection carried
    std::uint64_t expected_bytes = 0;  // bytes the server announced
    std::string_view cause;            // an earlier finding that explains this one: "id (frame N)"
    std::uint64_t frame = 0;           // where the first of several things counted was
};

class DiagnosisTexts {
public:
    // Reads diagnoses.tsv, or with `translation` a diagnoses.<lang>.tsv
    // (no severity column). Throws KnowledgeError naming `origin` and the
    // line, also for a text that names an unknown value.
    static DiagnosisTexts parse(std::string_view tsv, std::string_view origin, bool translation = false);
    // The built-in texts in `lang`, English where a translation has no row.
    static const DiagnosisTexts& builtin(Lang lang = Lang::en);

    // Replaces the texts of the rows `translation` has; throws
    // KnowledgeError for a row this does not have.
    void translate(const DiagnosisTexts& translation, std::string_view origin);

    // The diagnosis (id, variant) with `fields` filled in; std::out_of_range
    // when there is no such row (a mistake in the code, caught by its tests).
    [[nodiscard]] Diagnosis make(std::string_view id, std::string_view variant, const DiagnosisFields& fields) const;

    // An earlier finding or reply another one follows from, as {cause}
    // names it in this language: "disk_full (frame 157)", "the 451 reply
    // (frame 157)".
    [[nodiscard]] std::string cause_finding(std::string_view id, std::uint64_t frame) const;
    [[nodiscard]] std::string cause_reply(int code, std::uint64_t frame) const;

    // Every row, by (id, variant).
    struct Entry {
        std::string id;
        Severity severity = Severity::warning;
        std::string message;
        std::string remedy;
    };
    [[nodiscard]] const std::map<std::pair<std::string, std::string>, Entry>& entries() const { return entries_; }

private:
    std::map<std::pair<std::string, std::string>, Entry> entries_;
    Lang lang_ = Lang::en;  // of the built-in texts this was made from
};

std::string_view severity_name(Severity s);  // "error", "warning", "info"

}  // namespace ftpsniff
