#include "annotator.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ftpsniff {
namespace {

// Keeps the summary it is handed; drops everything else.
class SummaryKeeper : public Renderer {
public:
    explicit SummaryKeeper(RunSummary& out) : out_(out) {}
    void session_start(const FlowInfo&, Timestamp) override {}
    void command(const FlowInfo&, const CommandEvent&) override {}
    void reply(const FlowInfo&, const ReplyEvent&, const Annotation&) override {}
    void unparsed(const FlowInfo&, const UnparsedEvent&) override {}
    void gap(const FlowInfo&, Timestamp, Direction, std::uint64_t) override {}
    void anomaly(const FlowInfo&, Timestamp, Direction, Anomaly) override {}
    void tls(const FlowInfo&, Timestamp, TlsMode) override {}
    void data_channel(const FlowInfo&, const DataChannelEvent&) override {}
    void session_end(const FlowInfo&, Timestamp, CloseReason, const SessionState&) override {}
    void summary(const RunSummary& run) override {
        out_.errors = run.errors;
        out_.anomalies = run.anomalies;
    }

private:
    RunSummary& out_;
};

TEST(Annotator, ErrorCountsStayBoundedAndKeepTheFrequentPairs) {
    RunSummary seen;
    Annotator annotator(KnowledgeBase::builtin(), std::make_unique<SummaryKeeper>(seen));
    FlowInfo flow;
    flow.id = 1;
    Reply reply;
    reply.code = 500;
    auto answer = [&](int code, const std::string& verb) {
        reply.code = code;
        annotator.reply(flow, ReplyEvent{{}, reply, verb, 0.1, false, {}, false, false}, nullptr);
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
    Annotator annotator(KnowledgeBase::builtin(), std::make_unique<SummaryKeeper>(seen));
    FlowInfo flow;
    Reply reply;
    reply.code = 550;
    for (int i = 0; i < 1000; ++i) annotator.reply(flow, ReplyEvent{{}, reply, "V" + std::to_string(i), 0.1, false, {}, false, false}, nullptr);
    RunSummary run;
    annotator.summary(run);
    EXPECT_EQ(seen.errors.size(), 1000u);
    EXPECT_EQ(seen.anomalies.get(Anomaly::memory_cap_hit), 0u);
}

}  // namespace
}  // namespace ftpsniff
