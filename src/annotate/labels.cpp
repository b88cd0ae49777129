#include "ftpsniff/labels.hpp"

#include <array>

namespace ftpsniff {

namespace {

constexpr Labels kEnglish{"Meaning",
                          "When you see it",
                          "Remedy",
                          "Key differences",
                          "What to do",
                          "Class",
                          "Source",
                          "In context",
                          "after",
                          "not in the knowledge base",
                          "What the client does next"};
constexpr Labels kJapanese{"説明",
                           "このコードが表示される場合",
                           "解決方法",
                           "主な違い",
                           "どちらをいつ使うか",
                           "分類",
                           "出典",
                           "状況別",
                           "直前のコマンド",
                           "ナレッジベースに未登録",
                           "クライアントが次にすること"};
constexpr Labels kKorean{"설명",
                         "이 코드를 보게 되는 경우",
                         "해결 방법",
                         "주요 차이점",
                         "언제 어떤 것을 사용할지",
                         "분류",
                         "출처",
                         "상황별",
                         "직전 명령",
                         "지식 베이스에 없음",
                         "클라이언트가 다음에 할 일"};

}  // namespace

// In the order of Lang.
constexpr std::array<Language, 3> kLanguages{
    {{Lang::en, "en", kEnglish}, {Lang::ja, "ja", kJapanese}, {Lang::ko, "ko", kKorean}}};

std::span<const Language> languages() { return kLanguages; }

const Language& language(Lang lang) { return kLanguages[static_cast<std::size_t>(lang)]; }

const Labels& labels_for(Lang lang) { return language(lang).labels; }

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
