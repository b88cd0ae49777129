// The worker thread sees every event, in order, with every field intact,
// after the thread that made them has reused their buffers.
#include "ftpsniff/async_events.hpp"
#include "ftpsniff/output.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace ftpsniff {
namespace {

std::string show(Timestamp ts) { return fmt::format("@{}.{}", ts.sec, ts.nsec); }
std::string show(const std::optional<std::string>& s) { return s ? "'" + *s + "'" : "none"; }
std::string show(const std::optional<DataAddressResult>& a) {
    if (!a) return "no-address";
    if (!a->address) return "error:" + std::string(address_error_text(a->error));
    return fmt::format("{}:{}", a->address->ip ? to_string(*a->address->ip) : "-", a->address->port);
}

std::string show(const SessionStartEvent& /*start*/) { return "start"; }
std::string show(const CommandEvent& ev) { return fmt::format("command {} '{}' {}", ev.verb, ev.arg, ev.truncated); }
std::string show(const ReplyEvent& ev) {
    std::string line = fmt::format("reply {} {} {} [", ev.reply.code, ev.reply.complete, ev.reply.truncated);
    for (std::string_view l : ev.reply.lines) line += "'" + std::string(l) + "'";
    return line + fmt::format("] {} '{}' '{}' {} {} {} {} {}", show(ev.command), ev.argument, ev.path,
                              ev.latency_ms ? std::to_string(*ev.latency_ms) : "-", ev.greeting, show(ev.data_address),
                              ev.abort_pending, ev.uncertain);
}
std::string show(const UnparsedEvent& ev) {
    return fmt::format("unparsed {} '{}' {} {} {}", direction_name(ev.dir), ev.line, unparsed_reason_name(ev.reason),
                       ev.truncated, show(ev.command));
}
std::string show(const GapEvent& ev) { return fmt::format("gap {} {}", direction_name(ev.dir), ev.length); }
std::string show(const AnomalyEvent& ev) {
    return fmt::format("anomaly {} {}", direction_name(ev.dir), anomaly_name(ev.what));
}
std::string show(const TlsEvent& ev) { return fmt::format("tls {}", static_cast<int>(ev.mode)); }
std::string show(const DataChannelEvent& ev) {
    return fmt::format("data {} {} '{}' '{}' {} {} {} {} {} {} {} {} {}", ev.passive, ev.command, ev.argument, ev.path,
                       to_string(ev.listener), ev.opener ? to_string(*ev.opener) : "-", show(ev.first), show(ev.last),
                       ev.bytes_to_server, ev.bytes_to_client, data_end_name(ev.end), ev.syns,
                       ev.expected_to_client.value_or(0));
}
std::string show(const SessionEndEvent& ev) {
    const SessionState& s = ev.state;
    return fmt::format("end {} '{}' {} '{}' {} {} {} {} {} {} {} {}", close_reason_name(ev.why), s.user,
                       static_cast<int>(s.login), s.type, s.cwd ? *s.cwd : "-",
                       s.rest_offset ? std::to_string(*s.rest_offset) : "-", s.rename_from ? *s.rename_from : "-",
                       static_cast<int>(s.tls), s.commands, s.replies, s.bytes_to_server, s.bytes_to_client);
}

// Writes each event, with every field, as a line of text.
class Recorder : public EventSink {
public:
    explicit Recorder(std::vector<std::string>& out) : out_(out) {}
    void on(const Event& ev) override {
        const FlowInfo& f = ev.flow;
        out_.push_back(fmt::format("#{} {}>{} {} {}.{} {} frame {} ", f.id, to_string(f.client), to_string(f.server),
                                   f.handshake_seen, f.first_seen.sec, f.first_seen.nsec, show(ev.ts), ev.frame) +
                       std::visit([](const auto& kind) { return show(kind); }, ev.what));
    }

private:
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
    Recorder inner(threaded);
    auto async = make_async(inner);
    // One event of each kind, refilled for every session as the FTP stage does.
    EventSlots slots;
    // Thousands of sessions: many batches, and buffers reused for every one.
    for (std::uint64_t id = 1; id <= 3000; ++id) {
        auto n = static_cast<std::int64_t>(id);
        FlowInfo flow{id, {v4(1), static_cast<std::uint16_t>(40000 + id)}, {v4(2), 21}, id % 2 == 0, {n, 7}};
        std::string user = "user" + std::to_string(id);
        std::string arg = std::string(id % 50, 'x') + std::to_string(id);
        auto send = [&](const Event& ev) {
            plain.on(ev);
            async->on(ev);
        };
        slots.fill<SessionStartEvent>(flow, {n, 0}, id * 10 + 0);
        send(slots.of<SessionStartEvent>());
        slots.fill<CommandEvent>(flow, {n, 1}, id * 10 + 1) = CommandEvent{"PORT", arg, id % 2 == 0};
        send(slots.of<CommandEvent>());

        // A reply of many lines now and then, longer than a batch is meant to be.
        ReplyEvent& r = slots.fill<ReplyEvent>(flow, {n, 2}, id * 10 + 2);
        r.reply.code = 230;
        r.reply.lines.clear(0, 0);
        r.reply.lines.push_back("230-Login successful for " + user);
        for (std::uint64_t i = 0; i < (id % 500 == 0 ? 2000 : id % 4); ++i)
            r.reply.lines.push_back(" line " + std::to_string(i));
        r.reply.lines.push_back("230 " + arg);
        r.reply.complete = id % 3 != 0;
        r.reply.truncated = id % 5 == 0;
        r.command = "USER";
        r.argument = arg;
        r.path = id % 2 == 0 ? "/home/" + arg : "";
        r.latency_ms = 1.5;
        r.greeting = false;
        r.data_address.reset();
        if (id % 3 == 0) r.data_address = DataAddressResult{DataAddress{v4(9), 2000}, {}};
        if (id % 3 == 1) r.data_address = DataAddressResult{std::nullopt, AddressError::fewer_than_six_numbers};
        r.abort_pending = true;
        r.uncertain = false;
        send(slots.of<ReplyEvent>());
        r.command.reset();
        r.argument.clear();
        r.path.clear();
        r.latency_ms.reset();
        r.greeting = true;
        r.uncertain = true;
        send(slots.of<ReplyEvent>());

        slots.fill<UnparsedEvent>(flow, {n, 4}, id * 10 + 4) =
            UnparsedEvent{Direction::to_client, arg, UnparsedReason::not_a_reply, true,
                          id % 2 == 0 ? std::optional<std::string>("LIST") : std::nullopt};
        send(slots.of<UnparsedEvent>());
        if (id % 100 == 0) {
            slots.fill<GapEvent>(flow, {n, 5}, id * 10 + 5) = GapEvent{Direction::to_server, id};
            send(slots.of<GapEvent>());
        }
        if (id % 100 == 1) {
            slots.fill<AnomalyEvent>(flow, {n, 6}, id * 10 + 6) =
                AnomalyEvent{Direction::to_client, StreamAnomaly::tcp_overlap_conflict};
            send(slots.of<AnomalyEvent>());
        }
        if (id % 100 == 2) {
            slots.fill<TlsEvent>(flow, {n, 7}, id * 10 + 7) = TlsEvent{TlsMode::implicit};
            send(slots.of<TlsEvent>());
        }
        DataChannelEvent& data = slots.fill<DataChannelEvent>(flow, {n, 1}, id * 10 + 1);
        data = DataChannelEvent{id % 2 == 0,  "RETR",        "f" + std::to_string(id),
                                "/f",         {v4(2), 3000}, std::nullopt,
                                std::nullopt, {n, 2},        {n, 3},
                                id,           2 * id,        DataEnd::never_opened};
        data.syns = static_cast<std::uint32_t>(id % 5);
        data.expected_to_client = id;
        if (id % 4 == 0) {
            data.opener = Endpoint{v4(1), 5000};
            data.end = DataEnd::fin;
        }
        send(slots.of<DataChannelEvent>());

        SessionEndEvent& end = slots.fill<SessionEndEvent>(flow, {n, 8}, id * 10 + 8);
        end.why = CloseReason::rst;
        SessionState& state = end.state;
        state = SessionState{};
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
        send(slots.of<SessionEndEvent>());
    }
    async->drain();
    ASSERT_EQ(threaded.size(), direct.size());
    for (std::size_t i = 0; i < direct.size(); ++i) ASSERT_EQ(threaded[i], direct[i]) << "event " << i;
}

// The FTP stage builds its events in the batch's own slots; the tracker
// sends a data-channel event of its own while a reply is being built.
TEST(AsyncEvents, EventsBuiltInTheirSlotsArriveInTheOrderGiven) {
    std::vector<std::string> direct, threaded;
    Recorder plain(direct);
    Recorder inner(threaded);
    auto async = make_async(inner);
    Event data{FlowInfo{}, {}, DataChannelEvent{}};
    for (std::uint64_t id = 1; id <= 5000; ++id) {
        FlowInfo flow{id, {v4(1), 40000}, {v4(2), 21}, true, {}};
        Event* built = async->slot(EventSlots::index_of<ReplyEvent>());
        ASSERT_NE(built, nullptr);
        built->flow = flow;
        built->ts = {static_cast<std::int64_t>(id), 1};
        ReplyEvent& r = std::get<ReplyEvent>(built->what);
        r.reply.code = 226;
        r.reply.lines.clear(0, 0);
        r.reply.lines.push_back("226 " + std::string(id % 300, 'y'));  // now and then past a batch's bytes
        r.command = "RETR";
        if (id % 3 == 0) {
            data.flow = flow;
            std::get<DataChannelEvent>(data.what).bytes_to_client = id;
            plain.on(data);
            async->on(data);
        }
        plain.on(*built);
        async->on(*built);
    }
    async->drain();
    ASSERT_EQ(threaded.size(), direct.size());
    for (std::size_t i = 0; i < direct.size(); ++i) ASSERT_EQ(threaded[i], direct[i]) << "event " << i;
}

TEST(AsyncEvents, DestroyedWithoutDrainStillDeliversWhatItWasGiven) {
    std::vector<std::string> seen;
    Recorder inner(seen);
    {
        auto async = make_async(inner);
        for (std::uint64_t id = 1; id <= 1000; ++id) async->on(Event{FlowInfo{id, {}, {}, true, {}}, {}, {}});
    }
    ASSERT_EQ(seen.size(), 1000u);
    EXPECT_EQ(seen.back().substr(0, 6), "#1000 ");
}

// The receiver failing (a full disk, a closed pipe) stops the run: the error
// reaches the packet loop's thread.
class Failing : public EventSink {
public:
    void on(const Event& /*ev*/) override { throw std::runtime_error("disk full"); }
};

TEST(AsyncEvents, TheReceiversErrorReachesTheCaller) {
    Failing inner;
    auto async = make_async(inner);
    async->on(Event{});
    EXPECT_THROW(async->drain(), std::runtime_error);
}

}  // namespace
}  // namespace ftpsniff
