#include "ftpsniff/explain.hpp"

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
    ASSERT_GE(d.size(), 7u);
    EXPECT_EQ(d[0], "214 is a 2xx positive completion reply, while 331 is a 3xx positive intermediate reply.");
    EXPECT_EQ(d[1], "214 concerns information; 331 concerns authentication and accounting.");
    auto same = differences(explain(kb, 550, std::nullopt), explain(kb, 553, std::nullopt));
    EXPECT_EQ(same[0], "Both 550 and 553 are 5xx permanent negative completion replies.");
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
