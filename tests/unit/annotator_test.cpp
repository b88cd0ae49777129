#include "ftpsniff/annotator.hpp"
#include "ftpsniff/output.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ftpsniff {
namespace {

// Keeps the summary it is handed; drops everything else.
class SummaryKeeper : public Renderer {
public:
    explicit SummaryKeeper(RunSummary& out) : out_(out) {}
    void on(const Event& /*ev*/, const Annotation& /*note*/) override {}
    void summary(const RunSummary& run) override {
        out_.errors = run.errors;
        out_.anomalies = run.anomalies;
    }

private:
    RunSummary& out_;
};

TEST(Annotator, ErrorCountsStayBoundedAndKeepTheFrequentPairs) {
    RunSummary seen;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), std::make_unique<SummaryKeeper>(seen));
    Event ev{{}, {}, ReplyEvent{}};
    ev.flow.id = 1;
    auto& r = std::get<ReplyEvent>(ev.what);
    auto answer = [&](int code, const std::string& verb) {
        r.reply.code = code;
        r.command = verb;
        annotator.on(ev);
    };
    for (int i = 0; i < 50; ++i) answer(550, "RETR");
    for (int i = 0; i < 100000; ++i) {
        answer(500, "X" + std::to_string(i));  // each verb once
        if (i % 1000 == 0) answer(530, "PASS");
    }
    RunSummary run;
    annotator.summary(run);
    EXPECT_LE(seen.errors.size(), 1024u);
    EXPECT_GT(seen.anomalies.get(Anomaly::memory_cap_hit), 0u);
    auto top = top_errors(seen, 2);
    ASSERT_EQ(top.size(), 2u);
    EXPECT_EQ(top[0].code, 530);
    EXPECT_EQ(top[0].count, 100u);
    EXPECT_EQ(top[1].code, 550);
    EXPECT_EQ(top[1].count, 50u);
}

TEST(Annotator, FewErrorPairsAreAllCountedWithNoAnomaly) {
    RunSummary seen;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), std::make_unique<SummaryKeeper>(seen));
    Event ev{{}, {}, ReplyEvent{}};
    auto& r = std::get<ReplyEvent>(ev.what);
    r.reply.code = 550;
    for (int i = 0; i < 1000; ++i) {
        r.command = "V" + std::to_string(i);
        annotator.on(ev);
    }
    RunSummary run;
    annotator.summary(run);
    EXPECT_EQ(seen.errors.size(), 1000u);
    EXPECT_EQ(seen.anomalies.get(Anomaly::memory_cap_hit), 0u);
}

}  // namespace
}  // namespace ftpsniff
