#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/annotate.hpp"

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
        std::string("# a comment\n") + kHeader + "550\t\tFailed\tm\tw\tr\ts\n550\tRETR\tNo file\tm2\tw2\tr2\ts2\n",
        "test.tsv");
    EXPECT_EQ(kb.size(), 2u);
    EXPECT_EQ(kb.find(550, "RETR")->name, "No file");
    EXPECT_EQ(kb.find(550, "STOR")->name, "Failed");
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

TEST(KnowledgeBase, TranslationsReplaceEntriesAndFallBackToEnglish) {
    const auto& ja = KnowledgeBase::builtin(Lang::ja);
    EXPECT_NE(ja.find(530, "PASS")->name, KnowledgeBase::builtin().find(530, "PASS")->name);
    EXPECT_EQ(ja.find(214)->name, KnowledgeBase::builtin().find(214)->name);  // no Japanese entry: English
    EXPECT_EQ(ja.size(), KnowledgeBase::builtin().size());
}

TEST(KnowledgeBase, MergeOverridesAndAdds) {
    KnowledgeBase kb = KnowledgeBase::builtin();
    kb.merge(KnowledgeBase::parse(
        std::string(kHeader) + "550\t\tSite rule\tm\tw\tr\tsite\n599\t\tSite code\tm\tw\tr\tsite\n", "site.tsv"));
    EXPECT_EQ(kb.find(550)->name, "Site rule");
    EXPECT_EQ(kb.find(599)->name, "Site code");
    EXPECT_EQ(kb.find(550, "RETR")->name, KnowledgeBase::builtin().find(550, "RETR")->name);
    EXPECT_FALSE(kb.variants(550).empty());
}

TEST(ReplyClass, FromFirstDigit) {
    EXPECT_EQ(reply_class(150), "1xx positive preliminary");
    EXPECT_EQ(reply_class(226), "2xx positive completion");
    EXPECT_EQ(reply_class(331), "3xx positive intermediate");
    EXPECT_EQ(reply_class(421), "4xx transient negative completion");
    EXPECT_EQ(reply_class(550), "5xx permanent negative completion");
    EXPECT_EQ(reply_class(632), "6xx protected");
    EXPECT_EQ(reply_class(999), "9xx (no such class)");
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
