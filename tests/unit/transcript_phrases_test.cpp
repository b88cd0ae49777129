// The transcript, the summary and the report take every word around the
// capture's own text from data/transcript_phrases*.tsv: each name the
// pipeline can produce has its words there, in every language, and each
// translation fills in the same values as the English.
#include "ftpsniff/diagnosis_texts.hpp"
#include "ftpsniff/ftp_anomaly.hpp"
#include "ftpsniff/output.hpp"
#include "ftpsniff/phrases.hpp"
#include "ftpsniff/session_state.hpp"

#include <fmt/args.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace ftpsniff {
namespace {

// "{ms:.1f} ms after {command}" -> {"{ms:.1f}", "{command}"}, or with
// `names`, {"ms", "command"}.
std::multiset<std::string> placeholders(const std::string& text, bool names = false) {
    static const std::regex kBrace(R"(\{([a-z_0-9]+)(:[^}]*)?\})");
    std::multiset<std::string> out;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kBrace); it != std::sregex_iterator(); ++it) {
        out.insert((*it)[names ? 1 : 0]);
    }
    return out;
}

// English words outside braces: such a text must be translated.
bool has_english(const std::string& text) {
    static const std::regex kWord(R"((^|[^{a-z_])[a-z]{2,})");
    return std::regex_search(std::regex_replace(text, std::regex(R"(\{[^}]*\})"), ""), kWord);
}

TEST(TranscriptPhrases, EveryNameTheOutputShowsHasWordsInEveryLanguage) {
    for (const Language& l : languages()) {
        SCOPED_TRACE(l.code);
        const Phrases& p = Phrases::transcript(l.lang);
        auto expect = [&](std::string_view group, std::string_view name) {
            EXPECT_TRUE(p.has(fmt::format("{}.{}", group, name))) << group << '.' << name;
        };
        for (std::size_t id = 0; id < kAnomalyCount; ++id) expect("anomaly", anomaly_name(Anomaly::from_id(id)));
        for (Severity s : {Severity::error, Severity::warning, Severity::info}) expect("severity", severity_name(s));
        for (LoginState s : {LoginState::none, LoginState::user_sent, LoginState::logged_in, LoginState::failed})
            expect("login", login_state_name(s));
        for (TlsMode m : {TlsMode::none, TlsMode::explicit_auth, TlsMode::implicit}) expect("tls", tls_mode_name(m));
        for (CloseReason why : {CloseReason::fin, CloseReason::rst, CloseReason::idle_timeout,
                                CloseReason::end_of_capture, CloseReason::evicted})
            expect("end", close_reason_name(why));
        for (UnparsedReason why : {UnparsedReason::not_a_command, UnparsedReason::not_a_reply,
                                   UnparsedReason::fragment_after_gap, UnparsedReason::cut_by_gap})
            expect("unparsed", unparsed_reason_name(why));
        for (DataEnd end : {DataEnd::fin, DataEnd::rst, DataEnd::end_of_capture, DataEnd::never_opened,
                            DataEnd::unanswered, DataEnd::refused, DataEnd::open_at_session_end})
            expect("data_end", data_end_name(end));
    }
}

TEST(TranscriptPhrases, TranslationsFillInTheSameValuesAndLeaveNoEnglish) {
    const Phrases& english = Phrases::transcript();
    for (const Language& l : languages()) {
        if (l.lang == Lang::en) continue;
        SCOPED_TRACE(l.code);
        const Phrases& p = Phrases::transcript(l.lang);
        for (const auto& [key, text] : english.entries()) {
            const std::string translated(p.get(key));
            EXPECT_EQ(placeholders(translated), placeholders(text)) << key << ": " << translated;
            if (has_english(text)) {
                EXPECT_NE(translated, text) << key;
            }
        }
    }
}

TEST(TranscriptPhrases, EveryTextFormats) {
    for (const Language& l : languages()) {
        for (const auto& [key, text] : Phrases::transcript(l.lang).entries()) {
            fmt::dynamic_format_arg_store<fmt::format_context> args;
            for (const std::string& name : placeholders(text, true)) args.push_back(fmt::arg(name.c_str(), 1.5));
            EXPECT_NO_THROW((void)fmt::vformat(text, args)) << l.code << ' ' << key << ": " << text;
        }
    }
}

}  // namespace
}  // namespace ftpsniff
