// The worker thread sees every event, in order, with every field intact,
// after the thread that made them has reused their buffers.
#include "ftpsniff/session_events.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace ftpsniff {
namespace {

std::string show(const FlowInfo& f) {
    return fmt::format("#{} {}>{} {} {}.{}", f.id, to_string(f.client), to_string(f.server), f.handshake_seen,
                       f.first_seen.sec, f.first_seen.nsec);
}
std::string show(Timestamp ts) { return fmt::format("@{}.{}", ts.sec, ts.nsec); }
std::string show(const std::optional<std::string_view>& s) { return s ? "'" + std::string(*s) + "'" : "none"; }
std::string show(const std::optional<DataAddressResult>& a) {
    if (!a) return "no-address";
    if (!a->address) return "error:" + std::string(a->error);
    return fmt::format("{}:{}", a->address->ip ? to_string(*a->address->ip) : "-", a->address->port);
}
std::string show(const DataChannelEvent& ev) {
    return fmt::format("{} {} {} {} {} {} {} {} {} {}", show(ev.ts), ev.passive, ev.command, to_string(ev.listener),
                       ev.opener ? to_string(*ev.opener) : "-", show(ev.first), show(ev.last), ev.bytes_to_server,
                       ev.bytes_to_client, data_end_name(ev.end));
}

// Writes each event, with every field, as a line of text.
class Recorder : public SessionEvents {
public:
    explicit Recorder(std::vector<std::string>& out) : out_(out) {}
    void session_start(const FlowInfo& f, Timestamp ts) override { add("start", f, show(ts)); }
    void command(const FlowInfo& f, const CommandEvent& ev) override {
        add("command", f, fmt::format("{} {} '{}' {} {}", show(ev.ts), ev.verb, ev.arg, ev.truncated, show(ev.data_address)));
    }
    void reply(const FlowInfo& f, const ReplyEvent& ev, const DataChannelEvent* missing) override {
        std::string line = fmt::format("{} {} {} {} [", show(ev.ts), ev.reply.code, ev.reply.complete, ev.reply.truncated);
        for (std::string_view l : ev.reply.lines) line += "'" + std::string(l) + "'";
        line += fmt::format("] {} {} {} {} {} {} missing={}", show(ev.command),
                            ev.latency_ms ? std::to_string(*ev.latency_ms) : "-", ev.greeting, show(ev.data_address),
                            ev.abort_pending, ev.uncertain, missing ? show(*missing) : "-");
        add("reply", f, line);
    }
    void unparsed(const FlowInfo& f, const UnparsedEvent& ev) override {
        add("unparsed", f, fmt::format("{} {} '{}' {} {} {}", show(ev.ts), direction_name(ev.dir), ev.line,
                                       unparsed_reason_name(ev.reason), ev.truncated, show(ev.command)));
    }
    void gap(const FlowInfo& f, Timestamp ts, Direction dir, std::uint64_t n) override {
        add("gap", f, fmt::format("{} {} {}", show(ts), direction_name(dir), n));
    }
    void anomaly(const FlowInfo& f, Timestamp ts, Direction dir, Anomaly a) override {
        add("anomaly", f, fmt::format("{} {} {}", show(ts), direction_name(dir), anomaly_name(a)));
    }
    void tls(const FlowInfo& f, Timestamp ts, TlsMode mode) override {
        add("tls", f, fmt::format("{} {}", show(ts), static_cast<int>(mode)));
    }
    void data_channel(const FlowInfo& f, const DataChannelEvent& ev) override { add("data", f, show(ev)); }
    void session_end(const FlowInfo& f, Timestamp ts, CloseReason why, const SessionState& s) override {
        add("end", f,
            fmt::format("{} {} '{}' {} '{}' {} {} {} {} {} {} {} {}", show(ts), close_reason_name(why), s.user,
                        static_cast<int>(s.login), s.type, s.cwd ? *s.cwd : "-",
                        s.rest_offset ? std::to_string(*s.rest_offset) : "-", s.rename_from ? *s.rename_from : "-",
                        static_cast<int>(s.tls), s.commands, s.replies, s.bytes_to_server, s.bytes_to_client));
    }
    void summary(RunSummary& run) override { out_.push_back("summary " + std::to_string(run.packets)); }

private:
    void add(std::string_view what, const FlowInfo& f, const std::string& rest) {
        out_.push_back(fmt::format("{} {} {}", what, show(f), rest));
    }
    std::vector<std::string>& out_;
};

IpAddress v4(std::uint8_t last) {
    IpAddress a;
    a.bytes = {192, 0, 2, last};
    return a;
}

TEST(AsyncEvents, DeliversEveryEventInOrderWithEveryField) {
    std::vector<std::string> direct, threaded;
    Recorder plain(direct);
    auto async = make_async(std::make_unique<Recorder>(threaded));
    // Thousands of sessions: many batches, and buffers reused for every one.
    for (std::uint64_t id = 1; id <= 3000; ++id) {
        auto n = static_cast<std::int64_t>(id);
        FlowInfo flow{id, {v4(1), static_cast<std::uint16_t>(40000 + id)}, {v4(2), 21}, id % 2 == 0, {n, 7}};
        std::string user = "user" + std::to_string(id);
        std::string arg = std::string(id % 50, 'x') + std::to_string(id);
        // A reply of many lines now and then, longer than a batch is meant to be.
        ReplyLines lines{"230-Login successful for " + user};
        for (std::uint64_t i = 0; i < (id % 500 == 0 ? 2000 : id % 4); ++i) lines.push_back(" line " + std::to_string(i));
        lines.push_back("230 " + arg);
        Reply reply{230, lines, id % 3 != 0, id % 5 == 0};
        std::optional<DataAddressResult> port_arg;
        if (id % 3 == 0) port_arg = DataAddressResult{DataAddress{v4(9), 2000}, {}};
        if (id % 3 == 1) port_arg = DataAddressResult{std::nullopt, "fewer than six numbers"};
        DataChannelEvent data{{n, 1}, id % 2 == 0, "RETR", {v4(2), 3000}, std::nullopt, {n, 2}, {n, 3}, id, 2 * id,
                              DataEnd::never_opened};
        if (id % 4 == 0) {
            data.opener = Endpoint{v4(1), 5000};
            data.end = DataEnd::fin;
        }
        SessionState state;
        state.user = user;
        state.login = LoginState::logged_in;
        state.type = id % 2 == 0 ? "I" : "";
        if (id % 3 == 0) state.cwd = "/home/" + user;
        if (id % 7 == 0) state.rest_offset = id;
        if (id % 11 == 0) state.rename_from = arg;
        state.tls = TlsMode::explicit_auth;
        state.commands = id;
        state.replies = id + 1;
        state.bytes_to_server = 3 * id;
        state.bytes_to_client = 4 * id;
        for (SessionEvents* e : {static_cast<SessionEvents*>(&plain), async.get()}) {
            e->session_start(flow, {n, 0});
            e->command(flow, CommandEvent{{n, 1}, "PORT", arg, id % 2 == 0, port_arg});
            e->reply(flow, ReplyEvent{{n, 2}, reply, std::string_view("USER"), 1.5, false, port_arg, true, false},
                     id % 2 == 0 ? &data : nullptr);
            e->reply(flow, ReplyEvent{{n, 3}, reply, std::nullopt, std::nullopt, true, std::nullopt, false, true},
                     nullptr);
            e->unparsed(flow, UnparsedEvent{{n, 4}, Direction::to_client, arg, UnparsedReason::not_a_reply, true,
                                            id % 2 == 0 ? std::optional<std::string_view>("LIST") : std::nullopt});
            if (id % 100 == 0) e->gap(flow, {n, 5}, Direction::to_server, id);
            if (id % 100 == 1) e->anomaly(flow, {n, 6}, Direction::to_client, Anomaly::tcp_overlap_conflict);
            if (id % 100 == 2) e->tls(flow, {n, 7}, TlsMode::implicit);
            e->data_channel(flow, data);
            e->session_end(flow, {n, 8}, CloseReason::rst, state);
        }
    }
    RunSummary run;
    run.packets = 42;
    plain.summary(run);
    async->summary(run);
    ASSERT_EQ(threaded.size(), direct.size());
    for (std::size_t i = 0; i < direct.size(); ++i) ASSERT_EQ(threaded[i], direct[i]) << "event " << i;
    EXPECT_EQ(threaded.back(), "summary 42");
}

TEST(AsyncEvents, DestroyedWithoutSummaryStillDeliversWhatItWasGiven) {
    std::vector<std::string> seen;
    {
        auto async = make_async(std::make_unique<Recorder>(seen));
        for (std::uint64_t id = 1; id <= 1000; ++id) async->session_start(FlowInfo{id, {}, {}, true, {}}, {});
    }
    ASSERT_EQ(seen.size(), 1000u);
    EXPECT_EQ(seen.back().substr(0, 9), "start #10");
}

// The receiver failing (a full disk, a closed pipe) stops the run: the error
// reaches the packet loop's thread.
class Failing : public Recorder {
public:
    using Recorder::Recorder;
    void gap(const FlowInfo&, Timestamp, Direction, std::uint64_t) override { throw std::runtime_error("disk full"); }
};

TEST(AsyncEvents, TheReceiversErrorReachesTheCaller) {
    std::vector<std::string> seen;
    auto async = make_async(std::make_unique<Failing>(seen));
    async->gap(FlowInfo{}, {}, Direction::to_server, 1);
    RunSummary run;
    EXPECT_THROW(async->summary(run), std::runtime_error);
}

}  // namespace
}  // namespace ftpsniff
