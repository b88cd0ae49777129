#include "ftpsniff/explain.hpp"
#include "ftpsniff/phrases.hpp"

#include <gtest/gtest.h>

namespace ftpsniff {
namespace {

TEST(Explain, ParseCodeTakesExactlyThreeDigits) {
    EXPECT_EQ(parse_code("530"), 530);
    EXPECT_EQ(parse_code("053"), 53);
    EXPECT_FALSE(parse_code("53"));
    EXPECT_FALSE(parse_code("5300"));
    EXPECT_FALSE(parse_code("5a0"));
}

TEST(Explain, ContextPicksTheVariant) {
    const auto& kb = KnowledgeBase::builtin();
    EXPECT_EQ(explain(kb, 530, "PASS").after, "PASS");
    EXPECT_EQ(explain(kb, 530, "CWD").after, "");  // no variant: the generic entry
    EXPECT_NE(explain(kb, 350, "REST").remedy, explain(kb, 350, "RNFR").remedy);
    EXPECT_NE(explain(kb, 550, "RETR").remedy, explain(kb, 550, "CWD").remedy);
}

TEST(Explain, UnknownCodeFromItsDigits) {
    Explanation e = explain(KnowledgeBase::builtin(), 459, std::nullopt);
    EXPECT_FALSE(e.known);
    EXPECT_EQ(e.reply_class, "4xx transient negative completion");
    EXPECT_FALSE(e.when.empty());
}

TEST(Explain, DifferencesNameClassesAndWhatFollows) {
    const auto& kb = KnowledgeBase::builtin();
    auto d = differences(explain(kb, 214, std::nullopt), explain(kb, 331, std::nullopt));
    ASSERT_EQ(d.size(), 5u);
    EXPECT_EQ(d[0], "214 is a 2xx positive completion reply, while 331 is a 3xx positive intermediate reply.");
    EXPECT_EQ(d[1], "214 concerns information; 331 concerns authentication and accounting.");
    EXPECT_EQ(d[2], "In a capture the command before tells them apart: 214 answers HELP, SITE; 331 answers USER.");
    EXPECT_EQ(d[3],
              "214 comes at any point in a session, in answer to a command, as one line or several; 331 comes while "
              "logging in, usually as a single line.");
    EXPECT_EQ(d[4],
              "After 214 the client only reads the text, since nothing was changed; after 331 it sends PASS "
              "with the password.");
    auto same = differences(explain(kb, 550, std::nullopt), explain(kb, 553, std::nullopt));
    EXPECT_EQ(same[0], "Both 550 and 553 are 5xx permanent negative completion replies.");
}

// The pairs the product started from, with what their comparison got
// wrong: what the client does after 421, 202 and 503.
TEST(Explain, WhatFollowsIsRightForTheFivePairs) {
    const auto& kb = KnowledgeBase::builtin();
    auto next = [&](int a, int b) {
        return differences(explain(kb, a, std::nullopt), explain(kb, b, std::nullopt)).back();
    };
    EXPECT_NE(next(214, 421).find("after 421 it must reconnect and log in again"), std::string::npos);
    EXPECT_EQ(next(214, 421).find("retry the same command"), std::string::npos);
    EXPECT_NE(next(202, 331).find("After 202 the client goes on knowing that nothing was done"), std::string::npos);
    EXPECT_EQ(next(202, 331).find("the action is complete"), std::string::npos);
    EXPECT_NE(next(214, 503).find("after 503 it sends the missing step first"), std::string::npos);
    EXPECT_NE(next(214, 502).find("after 502 it does without the command"), std::string::npos);
    EXPECT_NE(next(214, 331).find("after 331 it sends PASS"), std::string::npos);
    // Each difference contrasts; none repeats a section printed above it.
    for (auto [a, b] : {std::pair{214, 331}, {214, 503}, {202, 331}, {214, 502}, {214, 421}}) {
        Explanation ea = explain(kb, a, std::nullopt), eb = explain(kb, b, std::nullopt);
        for (const std::string& d : differences(ea, eb)) {
            for (const std::string* section : {&ea.meaning, &ea.when, &ea.remedy, &eb.meaning, &eb.when, &eb.remedy})
                EXPECT_EQ(d.find(*section), std::string::npos) << d;
        }
    }
}

TEST(Explain, CompareTextKeepsSourcesAndVariants) {
    const auto& kb = KnowledgeBase::builtin();
    std::string text =
        compare_text(explain(kb, 530, std::nullopt), explain(kb, 331, std::nullopt), labels_for(Lang::en));
    EXPECT_NE(text.find("Source\n  RFC 959"), std::string::npos) << text;
    EXPECT_NE(text.find("after PASS:"), std::string::npos) << text;
    EXPECT_EQ(text.find("Key differences"), text.rfind("Key differences"));
}

TEST(Explain, EveryLanguageHasEveryPhrase) {
    const Phrases& english = Phrases::builtin();
    // Every code the knowledge base lists says how it appears.
    for (const CodeEntry* e : KnowledgeBase::builtin().entries()) {
        EXPECT_NE(ReplyTraits::builtin().find(e->code), nullptr) << e->code;
    }
    for (const Language& l : languages()) {
        if (l.lang == Lang::en) continue;
        SCOPED_TRACE(l.code);
        const Phrases& p = Phrases::builtin(l.lang);
        for (const auto& [key, text] : english.entries()) EXPECT_NE(p.get(key), text) << key;
        const ReplyTraits& traits = ReplyTraits::builtin(l.lang);
        for (const auto& [code, trait] : ReplyTraits::builtin().entries()) {
            if (!trait.next.empty()) {
                EXPECT_NE(traits.entries().at(code).next, trait.next) << code;
            }
        }
        for (const auto& [code, error] : ClientErrors::builtin().entries()) {
            EXPECT_NE(ClientErrors::builtin(l.lang).find(code)->meaning, error.meaning) << code;
            EXPECT_NE(ClientErrors::builtin(l.lang).find(code)->remedy, error.remedy) << code;
        }
        // Every sentence of a comparison is in the language asked for.
        for (const std::string& d : differences(explain(KnowledgeBase::builtin(l.lang), 214, std::nullopt, l.lang),
                                                explain(KnowledgeBase::builtin(l.lang), 421, std::nullopt, l.lang))) {
            EXPECT_EQ(d.find('{'), std::string::npos) << d;
            EXPECT_EQ(d.find("reply"), std::string::npos) << d;
        }
    }
}

TEST(Explain, WinsockErrorsAreTheClientsOwn) {
    const ClientError* e = ClientErrors::builtin().find("10060");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->name, "WSAETIMEDOUT");
    std::string text = client_error_text("10060", *e, Lang::en, labels_for(Lang::en));
    EXPECT_NE(text.find("not a reply from the FTP server"), std::string::npos);
    for (const char* code : {"10054", "10060", "10061", "10065", "11001"})
        EXPECT_NE(ClientErrors::builtin().find(code), nullptr);
    EXPECT_EQ(ClientErrors::builtin().find("550"), nullptr);
}

TEST(Explain, JsonHasTheRequiredKeys) {
    std::string one = explain_json(explain(KnowledgeBase::builtin(), 530, std::nullopt));
    for (const char* key :
         {"\"code\":530", "\"class\":\"5xx", "\"meaning\":", "\"when\":", "\"remedy\":", "\"source\":"}) {
        EXPECT_NE(one.find(key), std::string::npos) << key;
    }
    std::string two = compare_json(explain(KnowledgeBase::builtin(), 214, std::nullopt),
                                   explain(KnowledgeBase::builtin(), 331, std::nullopt));
    EXPECT_EQ(two.rfind("{\"codes\":[{", 0), 0u);
    EXPECT_NE(two.find("\"differences\":[\""), std::string::npos);
}

TEST(Explain, HeadingsFollowTheLanguage) {
    Explanation e = explain(KnowledgeBase::builtin(Lang::ko), 421, std::nullopt);
    std::string text = explain_text(e, labels_for(Lang::ko));
    EXPECT_NE(text.find("설명"), std::string::npos);
    EXPECT_NE(text.find("이 코드를 보게 되는 경우"), std::string::npos);
    EXPECT_NE(text.find("해결 방법"), std::string::npos);
    EXPECT_EQ(lang_from_locale("ja_JP.UTF-8"), Lang::ja);
    EXPECT_EQ(lang_from_locale("C"), Lang::en);
}

}  // namespace
}  // namespace ftpsniff
