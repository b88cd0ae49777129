#include "ftpsniff/labels.hpp"

namespace ftpsniff {

namespace {

constexpr Labels kEnglish{"Meaning", "When you see it", "Remedy",     "Key differences", "What to do",
                          "Class",   "Source",          "In context", "after",           "not in the knowledge base"};
constexpr Labels kJapanese{"説明",
                           "このコードが表示される場合",
                           "解決方法",
                           "主な違い",
                           "どちらをいつ使うか",
                           "分類",
                           "出典",
                           "状況別",
                           "直前のコマンド",
                           "ナレッジベースに未登録"};
constexpr Labels kKorean{"설명",
                         "이 코드를 보게 되는 경우",
                         "해결 방법",
                         "주요 차이점",
                         "언제 어떤 것을 사용할지",
                         "분류",
                         "출처",
                         "상황별",
                         "직전 명령",
                         "지식 베이스에 없음"};

}  // namespace

const Labels& labels_for(Lang lang) {
    switch (lang) {
    case Lang::ja: return kJapanese;
    case Lang::ko: return kKorean;
    case Lang::en: break;
    }
    return kEnglish;
}

std::optional<Lang> parse_lang(std::string_view name) {
    if (name == "en") return Lang::en;
    if (name == "ja") return Lang::ja;
    if (name == "ko") return Lang::ko;
    return std::nullopt;
}

Lang lang_from_locale(std::string_view locale) {
    if (locale.starts_with("ja")) return Lang::ja;
    if (locale.starts_with("ko")) return Lang::ko;
    return Lang::en;
}

}  // namespace ftpsniff
