// The languages ftpsniff speaks (--lang, default from the locale), and the
// headings and labels in each (the label.* rows of data/explain_phrases.tsv).
// A language is a row of the table in labels.cpp and its files in data/
// (<table>.<code>.tsv). JSON keys never change.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace ftpsniff {

enum class Lang : std::uint8_t { en, ja, ko };

struct Labels {
    std::string_view meaning;
    std::string_view when;
    std::string_view remedy;
    std::string_view differences;
    std::string_view which_when;  // what to do about each, side by side
    std::string_view reply_class;
    std::string_view source;
    std::string_view in_context;  // the variants for a reply to one command
    std::string_view after;       // "after PASS"
    std::string_view unlisted;    // a code the knowledge base does not list
    std::string_view next;        // what the client does after the reply
};

struct Language {
    Lang lang;
    std::string_view code;  // "ja": --lang's value, the locale's prefix, the data files' suffix
};

std::span<const Language> languages();
const Language& language(Lang lang);
const Labels& labels_for(Lang lang);
// "en", "ja", "ko".
std::optional<Lang> parse_lang(std::string_view name);
// From a locale name such as "ja_JP.UTF-8"; English when it names neither.
Lang lang_from_locale(std::string_view locale);

}  // namespace ftpsniff
