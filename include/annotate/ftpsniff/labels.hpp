// Headings and labels in the reader's language (--lang, default from the
// locale). Only these change; the explanations fall back to English where a
// translation file has no entry, and JSON keys never change.
#pragma once

#include <optional>
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
};

const Labels& labels_for(Lang lang);
// "en", "ja", "ko".
std::optional<Lang> parse_lang(std::string_view name);
// From a locale name such as "ja_JP.UTF-8"; English when it names neither.
Lang lang_from_locale(std::string_view locale);

}  // namespace ftpsniff
