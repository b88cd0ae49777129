// What a run knows: the reply codes and the diagnoses' texts, built in for
// the reader's language, with a site's own files over them (--codes).
#pragma once

#include "ftpsniff/diagnosis_texts.hpp"
#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/server_messages.hpp"

#include <string_view>

namespace ftpsniff {

struct Knowledge {
    KnowledgeBase codes;
    DiagnosisTexts diagnoses;
    ServerMessages messages;

    static Knowledge builtin(Lang lang = Lang::en);

    // A site's file, told apart by its header line: reply-code entries in
    // data/reply_codes.tsv's format add to or replace the built-in ones; rows
    // in data/diagnoses.<lang>.tsv's format (id, variant, message, remedy)
    // reword built-in diagnoses; rows in data/server_messages.tsv's format
    // explain a site's own messages, before the built-in ones. Throws
    // KnowledgeError naming `origin`.
    void add(std::string_view tsv, std::string_view origin);
};

}  // namespace ftpsniff
