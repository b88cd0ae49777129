#include "ftpsniff/labels.hpp"

#include "ftpsniff/phrases.hpp"

#include <array>

namespace ftpsniff {

namespace {

// In the order of Lang.
constexpr std::array<Language, 3> kLanguages{{{Lang::en, "en"}, {Lang::ja, "ja"}, {Lang::ko, "ko"}}};

Labels labels_from(const Phrases& p) {
    return Labels{p.get("label.meaning"),     p.get("label.when"),       p.get("label.remedy"),
                  p.get("label.differences"), p.get("label.which_when"), p.get("label.reply_class"),
                  p.get("label.source"),      p.get("label.in_context"), p.get("label.after"),
                  p.get("label.unlisted"),    p.get("label.next")};
}

}  // namespace

std::span<const Language> languages() { return kLanguages; }

const Language& language(Lang lang) { return kLanguages[static_cast<std::size_t>(lang)]; }

const Labels& labels_for(Lang lang) {
    static const std::array<Labels, 3> all = {labels_from(Phrases::builtin(Lang::en)),
                                              labels_from(Phrases::builtin(Lang::ja)),
                                              labels_from(Phrases::builtin(Lang::ko))};
    return all[static_cast<std::size_t>(lang)];
}

std::optional<Lang> parse_lang(std::string_view name) {
    for (const Language& l : kLanguages) {
        if (l.code == name) return l.lang;
    }
    return std::nullopt;
}

Lang lang_from_locale(std::string_view locale) {
    for (const Language& l : kLanguages) {
        if (locale.starts_with(l.code)) return l.lang;
    }
    return Lang::en;
}

}  // namespace ftpsniff
