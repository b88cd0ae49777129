// The words put around the knowledge base's entries, in each language:
// sentences and names by key (data/explain_phrases.tsv for explain,
// data/transcript_phrases.tsv for the transcript and the report), and how
// each reply code appears in a session (data/reply_traits.tsv).
#pragma once

#include "ftpsniff/labels.hpp"

#include <map>
#include <string>
#include <string_view>

namespace ftpsniff {

class Phrases {
public:
    // Throws KnowledgeError naming `origin` and the line.
    static Phrases parse(std::string_view tsv, std::string_view origin);
    // explain's (data/explain_phrases.tsv).
    static const Phrases& builtin(Lang lang = Lang::en);
    // The transcript's, the summary's and the report's (data/transcript_phrases.tsv).
    static const Phrases& transcript(Lang lang = Lang::en);
    // Puts `other`'s texts over the same keys; throws KnowledgeError naming
    // `origin` for a key this table does not have.
    void translate(Phrases&& other, std::string_view origin);
    [[nodiscard]] bool has(std::string_view key) const { return text_.contains(key); }
    // Throws std::out_of_range naming a key no row has.
    [[nodiscard]] std::string_view get(std::string_view key) const;
    // "5xx permanent negative completion" (RFC 959 §4.2.1; 6yz from RFC 2228).
    [[nodiscard]] std::string_view reply_class(int code) const;
    // What the second digit says (RFC 959 §4.2.1): "syntax", "information", ...
    [[nodiscard]] std::string_view reply_function(int code) const;
    [[nodiscard]] const std::map<std::string, std::string, std::less<>>& entries() const { return text_; }

private:
    std::map<std::string, std::string, std::less<>> text_;
};

struct ReplyTrait {
    std::string lines;  // single, multi, either
    std::string login;  // connect, before, login, after, any, unprompted
    std::string next;   // what the client does after it; "" for its class's
};

class ReplyTraits {
public:
    static ReplyTraits parse(std::string_view tsv, std::string_view origin);
    static const ReplyTraits& builtin(Lang lang = Lang::en);
    // Rows of code and next reword those with the same code.
    void translate(std::string_view tsv, std::string_view origin);

    // The code's row; null for a code it does not list.
    [[nodiscard]] const ReplyTrait* find(int code) const;
    // What the client does after `code`: its own row's words, else its class's.
    [[nodiscard]] std::string_view next(int code) const;
    [[nodiscard]] const std::map<std::string, ReplyTrait, std::less<>>& entries() const { return rows_; }

private:
    std::map<std::string, ReplyTrait, std::less<>> rows_;  // by "331" or "3xx"
};

// A Windows Sockets error an FTP client prints (data/client_errors.tsv).
struct ClientError {
    std::string name;  // WSAECONNRESET
    std::string meaning;
    std::string remedy;
    std::string source;
};

class ClientErrors {
public:
    static ClientErrors parse(std::string_view tsv, std::string_view origin);
    static const ClientErrors& builtin(Lang lang = Lang::en);
    // Rows of code, meaning and remedy reword those with the same code.
    void translate(std::string_view tsv, std::string_view origin);
    // By the number as the client prints it ("10054"); null for another.
    [[nodiscard]] const ClientError* find(std::string_view code) const;
    [[nodiscard]] const std::map<std::string, ClientError, std::less<>>& entries() const { return rows_; }

private:
    std::map<std::string, ClientError, std::less<>> rows_;
};

}  // namespace ftpsniff
