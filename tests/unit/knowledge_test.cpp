#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/annotate.hpp"
#include "ftpsniff/phrases.hpp"

#include <gtest/gtest.h>

namespace ftpsniff {
namespace {

const char* kHeader = "code\tafter\tname\tmeaning\twhen\tremedy\tsource\n";

TEST(KnowledgeBase, BuiltinHasEveryRfc959Code) {
    const auto& kb = KnowledgeBase::builtin();
    for (int code : {110, 120, 125, 150, 200, 202, 211, 212, 213, 214, 215, 220, 221, 225, 226, 227, 230, 250, 257, 331,
                     332, 350, 421, 425, 426, 450, 451, 452, 500, 501, 502, 503, 504, 530, 532, 550, 551, 552, 553}) {
        const CodeEntry* e = kb.find(code);
        ASSERT_NE(e, nullptr) << code;
        EXPECT_EQ(e->after, "") << code;
    }
}

TEST(KnowledgeBase, BuiltinEntriesAreWhole) {
    for (const CodeEntry* e : KnowledgeBase::builtin().entries()) {
        EXPECT_GE(e->code, 100) << e->code;
        EXPECT_LE(e->code, 699) << e->code;
        EXPECT_FALSE(e->name.empty() || e->meaning.empty() || e->when.empty() || e->remedy.empty() || e->source.empty())
            << e->code << " " << e->after;
        // A context variant refines a code that also has a generic entry.
        if (!e->after.empty()) {
            EXPECT_NE(KnowledgeBase::builtin().find(e->code), nullptr) << e->code;
        }
    }
}

TEST(KnowledgeBase, ContextVariantComesBeforeGeneric) {
    const auto& kb = KnowledgeBase::builtin();
    const CodeEntry* after_pass = kb.find(530, "PASS");
    const CodeEntry* generic = kb.find(530);
    ASSERT_NE(after_pass, nullptr);
    ASSERT_NE(generic, nullptr);
    EXPECT_EQ(after_pass->after, "PASS");
    EXPECT_NE(after_pass->remedy, generic->remedy);
    EXPECT_EQ(kb.find(530, "NOOP"), generic);  // no variant: the generic entry
}

TEST(KnowledgeBase, ParsesCommentsAndVariants) {
    auto kb = KnowledgeBase::parse(
        std::string("# a comment\n") + kHeader + "550\t\tFailed\tm\tw\tr\ts\n550\tRETR\t\tm2\tw2\tr2\ts2\n",
        "test.tsv");
    EXPECT_EQ(kb.size(), 2u);
    EXPECT_EQ(kb.find(550, "RETR")->meaning, "m2");
    EXPECT_EQ(kb.find(550, "RETR")->name, "Failed");  // one name per code
    EXPECT_EQ(kb.find(550, "STOR")->meaning, "m");
    EXPECT_EQ(kb.find(551), nullptr);
}

TEST(KnowledgeBase, ErrorsNameFileAndLine) {
    auto error_of = [](const std::string& text) {
        try {
            KnowledgeBase::parse(text, "site.tsv");
        } catch (const KnowledgeError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(error_of(std::string(kHeader) + "55\t\tn\tm\tw\tr\ts\n"), "site.tsv:2: code '55' is not three digits");
    EXPECT_EQ(error_of(std::string(kHeader) + "550\t\tn\tm\tw\tr\n"),
              "site.tsv:2: expected 7 tab-separated fields, found 6");
    EXPECT_EQ(error_of(std::string(kHeader) + "550\t\tn\t\tw\tr\ts\n"), "site.tsv:2: field 'meaning' is empty");
    EXPECT_EQ(error_of(std::string(kHeader) + "550\tRETR\tn\tm\tw\tr\ts\n"),
              "site.tsv:2: a variant (after RETR) shows its code's name: leave name empty");
    EXPECT_EQ(error_of(std::string(kHeader) + "550\tretr\tn\tm\tw\tr\ts\n"),
              "site.tsv:2: after 'retr' is not an upper-case command verb");
    EXPECT_EQ(error_of(std::string(kHeader) + "550\t\tn\tm\tw\tr\ts\n\n550\t\tn\tm\tw\tr\ts\n"),
              "site.tsv:4: code 550 is listed twice");
    EXPECT_EQ(error_of("code\tname\n"),
              "site.tsv:1: expected the header line "
              "'code<TAB>after<TAB>name<TAB>meaning<TAB>when<TAB>remedy<TAB>source'");
}

// Every reply code in the project's reference list (RFC 959, 1123, 1639, 2228,
// 2428, 6384 and codes seen from real servers); 300 and 600 there are only
// series headings.
TEST(KnowledgeBase, EveryReferenceCodeHasAGenericEntry) {
    for (int code : {110, 120, 125, 150, 200, 202, 211, 212, 213, 214, 215, 216, 220, 221, 225, 226, 227,
                     228, 229, 230, 231, 232, 234, 235, 250, 257, 331, 332, 334, 335, 336, 350, 400, 421,
                     425, 426, 430, 431, 434, 450, 451, 452, 500, 501, 502, 503, 504, 520, 521, 522, 530,
                     532, 533, 534, 535, 536, 537, 550, 551, 552, 553, 554, 555, 631, 632, 633}) {
        EXPECT_NE(KnowledgeBase::builtin().find(code), nullptr) << code;
    }
}

// The transcript, JSON and explain show the same name for a code whichever
// command it answers: RFC 959's, where it has one.
TEST(KnowledgeBase, OneNamePerCode) {
    const auto& kb = KnowledgeBase::builtin();
    for (const CodeEntry* e : kb.entries()) EXPECT_EQ(e->name, kb.find(e->code)->name) << e->code << " " << e->after;
    EXPECT_EQ(kb.find(331, "USER")->name, "User name okay, need password");
    EXPECT_EQ(annotate(kb, 331, "USER").name, "User name okay, need password");
}

// Every English entry has its own words in every other language: a new
// entry without them fails here.
TEST(KnowledgeBase, EveryEntryIsTranslated) {
    const auto& english = KnowledgeBase::builtin();
    for (const Language& l : languages()) {
        if (l.lang == Lang::en) continue;
        SCOPED_TRACE(l.code);
        const auto& other = KnowledgeBase::builtin(l.lang);
        EXPECT_EQ(other.size(), english.size());
        for (const CodeEntry* e : english.entries()) {
            const CodeEntry* t = other.find(e->code, e->after);
            ASSERT_NE(t, nullptr);
            EXPECT_EQ(t->after, e->after);
            EXPECT_NE(t->name, e->name) << e->code;
            EXPECT_NE(t->meaning, e->meaning) << e->code << " " << e->after;
            EXPECT_NE(t->when, e->when) << e->code << " " << e->after;
            EXPECT_NE(t->remedy, e->remedy) << e->code << " " << e->after;
            EXPECT_EQ(t->source, e->source) << e->code << " " << e->after;
        }
    }
    // A site's file that only English has falls back to English.
    KnowledgeBase ja = KnowledgeBase::builtin(Lang::ja);
    ja.merge(KnowledgeBase::parse(std::string(kHeader) + "599\t\tSite code\tm\tw\tr\tsite\n", "site.tsv"));
    EXPECT_EQ(ja.find(599)->name, "Site code");
}

TEST(KnowledgeBase, MergeOverridesAndAdds) {
    KnowledgeBase kb = KnowledgeBase::builtin();
    kb.merge(KnowledgeBase::parse(
        std::string(kHeader) + "550\t\tSite rule\tm\tw\tr\tsite\n599\t\tSite code\tm\tw\tr\tsite\n", "site.tsv"));
    EXPECT_EQ(kb.find(550)->name, "Site rule");
    EXPECT_EQ(kb.find(599)->name, "Site code");
    EXPECT_EQ(kb.find(550, "RETR")->name, "Site rule");  // the variant shows its code's new name
    EXPECT_EQ(kb.find(550, "RETR")->meaning, KnowledgeBase::builtin().find(550, "RETR")->meaning);
    EXPECT_FALSE(kb.variants(550).empty());
}

TEST(ReplyClass, FromFirstDigit) {
    const Phrases& p = Phrases::builtin();
    EXPECT_EQ(p.reply_class(150), "1xx positive preliminary");
    EXPECT_EQ(p.reply_class(226), "2xx positive completion");
    EXPECT_EQ(p.reply_class(331), "3xx positive intermediate");
    EXPECT_EQ(p.reply_class(421), "4xx transient negative completion");
    EXPECT_EQ(p.reply_class(550), "5xx permanent negative completion");
    EXPECT_EQ(p.reply_class(632), "6xx protected");
    EXPECT_EQ(p.reply_class(999), "9xx (no such class)");
}

TEST(Annotate, UsesCommandContext) {
    const auto& kb = KnowledgeBase::builtin();
    Annotation a = annotate(kb, 530, "PASS");
    EXPECT_TRUE(a.known);
    EXPECT_EQ(a.name, kb.find(530, "PASS")->name);
    EXPECT_EQ(a.reply_class, "5xx permanent negative completion");
}

TEST(Annotate, UnknownCodeIsExplainedFromItsDigits) {
    Annotation a = annotate(KnowledgeBase::builtin(), 459, std::nullopt);
    EXPECT_FALSE(a.known);
    EXPECT_EQ(a.reply_class, "4xx transient negative completion");
    EXPECT_NE(a.meaning.find("file system"), std::string::npos);
    EXPECT_FALSE(a.remedy.empty());
}

}  // namespace
}  // namespace ftpsniff
