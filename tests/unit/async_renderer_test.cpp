// The rendering thread sees every event, in order, with its contents intact,
// after the thread that made them has reused their buffers.
#include "ftpsniff/output.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ftpsniff {
namespace {

// Writes each event as a line of text; the summary as "summary N".
class Recorder : public Renderer {
public:
    explicit Recorder(std::vector<std::string>& out) : out_(out) {}
    void session_start(const FlowInfo& f, Timestamp) override { out_.push_back("start " + std::to_string(f.id)); }
    void command(const FlowInfo& f, const CommandEvent& ev) override {
        out_.push_back(std::to_string(f.id) + " > " + ev.verb + " " + std::string(ev.arg));
    }
    void reply(const FlowInfo& f, const ReplyEvent& ev, const Annotation& note) override {
        std::string line = std::to_string(f.id) + " < " + ev.reply.lines.at(0) + " [" + std::string(ev.command.value_or("-")) +
                           "] " + std::string(note.name);
        for (const Diagnosis& d : note.diagnoses) line += " !" + std::string(d.id) + ":" + d.message;
        out_.push_back(line);
    }
    void unparsed(const FlowInfo& f, const UnparsedEvent& ev) override {
        out_.push_back(std::to_string(f.id) + " ? " + std::string(ev.line));
    }
    void gap(const FlowInfo& f, Timestamp, Direction, std::uint64_t n) override {
        out_.push_back(std::to_string(f.id) + " gap " + std::to_string(n));
    }
    void anomaly(const FlowInfo& f, Timestamp, Direction, Anomaly a) override {
        out_.push_back(std::to_string(f.id) + " anomaly " + std::string(anomaly_name(a)));
    }
    void tls(const FlowInfo& f, Timestamp, TlsMode) override { out_.push_back(std::to_string(f.id) + " tls"); }
    void data_channel(const FlowInfo& f, const DataChannelEvent& ev) override {
        out_.push_back(std::to_string(f.id) + " data " + ev.command);
    }
    void session_end(const FlowInfo& f, Timestamp, CloseReason, const SessionState& s) override {
        out_.push_back("end " + std::to_string(f.id) + " " + s.user);
    }
    void summary(const RunSummary& run) override { out_.push_back("summary " + std::to_string(run.sessions)); }

private:
    std::vector<std::string>& out_;
};

TEST(AsyncRenderer, DeliversEveryEventInOrderWithItsContents) {
    std::vector<std::string> direct, threaded;
    Recorder plain(direct);
    auto async = make_async(std::make_unique<Recorder>(threaded));
    const KnowledgeBase& kb = KnowledgeBase::builtin();
    RunSummary run;
    // Thousands of events: many batches, and buffers reused for every one.
    for (std::uint64_t id = 1; id <= 3000; ++id) {
        FlowInfo flow{id, {}, {}, true, {}};
        std::string user = "user" + std::to_string(id);
        std::string arg = std::string(id % 50, 'x') + std::to_string(id);
        Reply reply{230, {"230 Login successful for " + user + " after a rather long welcome text"}, true, false};
        Annotation note = annotate(kb, 230, "PASS");
        if (id % 7 == 0) note.diagnoses.push_back({"slow_reply", "took " + std::to_string(id) + " ms", "wait"});
        SessionState state;
        state.user = user;
        for (Renderer* r : {static_cast<Renderer*>(&plain), async.get()}) {
            r->session_start(flow, {});
            r->command(flow, CommandEvent{{}, "USER", arg, false, std::nullopt});
            r->reply(flow, ReplyEvent{{}, reply, std::string_view("USER"), 1.5, false, std::nullopt, false, false}, note);
            r->unparsed(flow, UnparsedEvent{{}, Direction::to_client, arg, UnparsedReason::not_a_reply, false, {}});
            if (id % 100 == 0) r->gap(flow, {}, Direction::to_server, id);
            r->session_end(flow, {}, CloseReason::fin, state);
        }
        ++run.sessions;
    }
    plain.summary(run);
    async->summary(run);
    EXPECT_EQ(threaded, direct);
    EXPECT_EQ(threaded.back(), "summary 3000");
}

TEST(AsyncRenderer, DestroyedWithoutSummaryStillRendersWhatItWasGiven) {
    std::vector<std::string> seen;
    {
        auto async = make_async(std::make_unique<Recorder>(seen));
        for (std::uint64_t id = 1; id <= 1000; ++id) async->session_start(FlowInfo{id, {}, {}, true, {}}, {});
    }
    ASSERT_EQ(seen.size(), 1000u);
    EXPECT_EQ(seen.back(), "start 1000");
}

}  // namespace
}  // namespace ftpsniff
