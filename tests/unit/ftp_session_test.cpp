#include "ftpsniff/ftp_session.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ftpsniff {
namespace {

// Writes each event as one short string: "C VERB arg", "R code <- VERB",
// "R code greeting", "R code <- ?", "U line", "G dir len", "TLS", "END".
class Recorder : public EventSink {
public:
    std::vector<std::string> events;
    std::vector<double> latencies;

    void on(const Event& ev) override {
        std::visit([this](const auto& kind) { record(kind); }, ev.what);
    }

private:
    void record(const SessionStartEvent& /*start*/) {}
    void record(const CommandEvent& ev) { events.push_back("C " + ev.verb + (ev.arg.empty() ? "" : " " + ev.arg)); }
    void record(const ReplyEvent& ev) {
        std::string s = "R " + std::to_string(ev.reply.code);
        if (ev.greeting) {
            s += " greeting";
        } else {
            s += " <- " + ev.command.value_or("?");
        }
        if (!ev.reply.complete) s += " incomplete";
        events.push_back(s);
        if (ev.latency_ms) latencies.push_back(*ev.latency_ms);
    }
    void record(const UnparsedEvent& ev) {
        events.push_back("U " + ev.line + (ev.command ? " <- " + *ev.command : ""));
    }
    void record(const GapEvent& ev) {
        events.push_back(std::string("G ") + (ev.dir == Direction::to_server ? "c" : "s") + " " +
                         std::to_string(ev.length));
    }
    void record(const AnomalyEvent& ev) { events.push_back("A " + std::string(anomaly_name(ev.what))); }
    void record(const TlsEvent& ev) { events.push_back("TLS " + std::string(tls_mode_name(ev.mode))); }
    void record(const DataChannelEvent& /*data*/) { events.emplace_back("DATA"); }
    void record(const SessionEndEvent& ev) {
        events.push_back("END login " + std::string(login_state_name(ev.state.login)));
    }
};

class SessionTest : public testing::Test {
protected:
    void client(std::string_view bytes, std::int64_t ms = 0) { feed(Direction::to_server, bytes, ms); }
    void server(std::string_view bytes, std::int64_t ms = 0) { feed(Direction::to_client, bytes, ms); }
    void feed(Direction dir, std::string_view bytes, std::int64_t ms) {
        Timestamp ts{ms / 1000, static_cast<std::uint32_t>(ms % 1000) * 1000000u};
        session.on_data(dir, ts, std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    }

    FlowInfo flow{1, {}, {}, true, {}};
    Recorder rec;
    AnomalyCounts anomalies;
    MemoryBudget budget{1 << 20};
    FtpSession session{flow, rec, anomalies, budget};
};

// Each event names the frame being read when it was complete; a reply its
// first line's; what a close with no packet of its own reports, none.
TEST(FtpSession, EventsNameTheFrameThatCarriedThem) {
    struct Frames : EventSink {
        std::vector<std::uint64_t> seen;
        void on(const Event& ev) override { seen.push_back(ev.frame); }
    } rec;
    AnomalyCounts anomalies;
    MemoryBudget budget{1 << 20};
    FrameCounter frames;
    FtpLimits limits;
    limits.frames = &frames;
    frames.next();  // 1: the SYN that starts the session
    FtpSession session{FlowInfo{1, {}, {}, true, {}}, rec, anomalies, budget, limits};
    auto feed = [&](Direction dir, std::string_view bytes) {
        frames.next();
        session.on_data(dir, {}, std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    };
    feed(Direction::to_client, "220-first line\r\n");        // 2
    feed(Direction::to_client, "220 last line\r\n");         // 3: completes the greeting
    feed(Direction::to_server, "US");                        // 4
    feed(Direction::to_server, "ER anonymous\r\nSYST\r\n");  // 5: ends both lines
    feed(Direction::to_client, "331 pw\r\n");                // 6
    feed(Direction::to_client, "215 UNIX\r\n");              // 7
    feed(Direction::to_server, "QUIT");                      // 8: the close ends it, but it came here
    session.on_close({}, CloseReason::end_of_capture);
    EXPECT_EQ(rec.seen, (std::vector<std::uint64_t>{1, 2, 5, 5, 6, 7, 8, 0}));
}

TEST_F(SessionTest, GreetingThenFifoPairing) {
    server("220 hi\r\n");
    client("USER a\r\n", 10);
    server("331 pw\r\n", 12);
    client("PASS b\r\n", 20);
    server("230 ok\r\n", 25);
    EXPECT_EQ(rec.events, (std::vector<std::string>{"R 220 greeting", "C USER a", "R 331 <- USER", "C PASS ****",
                                                    "R 230 <- PASS"}));
    EXPECT_EQ(rec.latencies, (std::vector<double>{2.0, 5.0}));
}

TEST_F(SessionTest, PreliminaryKeepsCommandOpen) {
    server("220 hi\r\n");
    client("RETR f\r\n");
    server("150 opening\r\n226 done\r\n");
    client("QUIT\r\n");
    server("221 bye\r\n");
    EXPECT_EQ(rec.events, (std::vector<std::string>{"R 220 greeting", "C RETR f", "R 150 <- RETR", "R 226 <- RETR",
                                                    "C QUIT", "R 221 <- QUIT"}));
}

TEST_F(SessionTest, PipelinedCommandsAnsweredInOrder) {
    server("220 hi\r\n");
    client("PWD\r\nPWD\r\nCWD x\r\n");
    server("257 \"/\"\r\n257 \"/\"\r\n250 ok\r\n");
    EXPECT_EQ(rec.events, (std::vector<std::string>{"R 220 greeting", "C PWD", "C PWD", "C CWD x", "R 257 <- PWD",
                                                    "R 257 <- PWD", "R 250 <- CWD"}));
}

TEST_F(SessionTest, CommandBeforeGreetingIsNotAnsweredByIt) {
    client("USER a\r\n");
    server("220 hi\r\n331 pw\r\n");
    EXPECT_EQ(rec.events, (std::vector<std::string>{"C USER a", "R 220 greeting", "R 331 <- USER"}));
}

TEST_F(SessionTest, ServerLineThatIsNoReplyTakesTheAnswersPlace) {
    server("220 hi\r\n");
    client("SYST\r\nQUIT\r\n");
    server("SYST not supported\r\n221 Bye\r\n");
    EXPECT_EQ(rec.events, (std::vector<std::string>{"R 220 greeting", "C SYST", "C QUIT",
                                                    "U SYST not supported <- SYST", "R 221 <- QUIT"}));
}

TEST_F(SessionTest, UnsolicitedReplyAnswersNothing) {
    server("220 hi\r\n");
    server("421 Timeout.\r\n");
    EXPECT_EQ(rec.events.back(), "R 421 <- ?");
}

TEST_F(SessionTest, MultiLineReplyIsOneReply) {
    server("220-Welcome\r\n 220 still text\r\n220 Ready\r\n");
    client("FEAT\r\n");
    server("211-Features:\r\n EPSV\r\n211 End\r\n");
    EXPECT_EQ(rec.events, (std::vector<std::string>{"R 220 greeting", "C FEAT", "R 211 <- FEAT"}));
}

TEST_F(SessionTest, ReplySplitAtEveryByteIsStillOneReply) {
    const std::string reply = "211-Features:\r\n EPSV\r\n211 End\r\n";
    for (std::size_t cut = 1; cut < reply.size(); ++cut) {
        Recorder r;
        FtpSession s{flow, r, anomalies, budget};
        auto feed = [&](std::string_view b) {
            s.on_data(Direction::to_client, {}, std::span(reinterpret_cast<const std::uint8_t*>(b.data()), b.size()));
        };
        feed("220 hi\r\n");
        s.on_data(Direction::to_server, {}, std::span(reinterpret_cast<const std::uint8_t*>("FEAT\r\n"), 6));
        feed(std::string_view(reply).substr(0, cut));
        feed(std::string_view(reply).substr(cut));
        EXPECT_EQ(r.events, (std::vector<std::string>{"R 220 greeting", "C FEAT", "R 211 <- FEAT"})) << cut;
    }
}

TEST_F(SessionTest, GapDropsPairingAndFragment) {
    server("220 hi\r\n");
    client("USER a\r\n");
    server("331 Pa");
    session.on_gap(Direction::to_client, {}, 20);
    server("ssword\r\n230 ok\r\n");
    EXPECT_EQ(rec.events,
              (std::vector<std::string>{"R 220 greeting", "C USER a", "U 331 Pa", "G s 20", "U ssword", "R 230 <- ?"}));
}

TEST_F(SessionTest, MidStreamFirstReplyIsNoGreeting) {
    FtpSession s{FlowInfo{2, {}, {}, false, {}}, rec, anomalies, budget};
    s.on_gap(Direction::to_client, {}, 0);
    s.on_data(Direction::to_client, {}, std::span(reinterpret_cast<const std::uint8_t*>("220 x\r\n"), 7));
    EXPECT_EQ(rec.events, (std::vector<std::string>{"R 220 <- ?"}));
}

// The first line may be the rest of any command, a PASS even: masked, and
// never taken for a command, even when passwords are shown.
TEST_F(SessionTest, MidStreamFirstLineIsNeverACommand) {
    FtpSession s{FlowInfo{2, {}, {}, false, {}}, rec, anomalies, budget};
    s.on_gap(Direction::to_server, {}, 0);
    s.on_data(Direction::to_server, {}, std::span(reinterpret_cast<const std::uint8_t*>("PASV\r\nPWD\r\n"), 11));
    FtpLimits shown;
    shown.show_passwords = true;
    FtpSession t{FlowInfo{3, {}, {}, false, {}}, rec, anomalies, budget, shown};
    t.on_gap(Direction::to_server, {}, 0);
    t.on_data(Direction::to_server, {}, std::span(reinterpret_cast<const std::uint8_t*>("PASV\r\n"), 6));
    EXPECT_EQ(rec.events, (std::vector<std::string>{"U ****", "C PWD", "U PASV"}));
}

TEST_F(SessionTest, NothingIsParsedAfterAuthTls) {
    server("220 hi\r\n");
    client("AUTH TLS\r\n");
    server("234 Proceed\r\n\x16\x03\x01garbage\r\n");
    client("\x16\x03\x01\x02\x00USER x\r\n");
    session.on_close({}, CloseReason::fin);
    EXPECT_EQ(rec.events, (std::vector<std::string>{"R 220 greeting", "C AUTH TLS", "R 234 <- AUTH", "TLS explicit",
                                                    "END login none"}));
}

TEST_F(SessionTest, ImplicitTlsFromTheFirstByte) {
    client("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
    server("\x16\x03\x03\x00\x5a\x02\x00\x00\x56\x03\x03");
    session.on_close({}, CloseReason::fin);
    EXPECT_EQ(rec.events, (std::vector<std::string>{"TLS implicit", "END login none"}));
}

TEST_F(SessionTest, TelnetInterruptBeforeAborIsRemoved) {
    server("220 hi\r\n");
    client("RETR big\r\n");
    server("150 sending\r\n");
    client(
        "\xff\xf4\xff\xf2"
        "ABOR\r\n");
    server("426 aborted\r\n226 ABOR ok\r\n");
    EXPECT_EQ(rec.events, (std::vector<std::string>{"R 220 greeting", "C RETR big", "R 150 <- RETR", "C ABOR",
                                                    "R 426 <- RETR", "R 226 <- ABOR"}));
}

// vsftpd refuses an ABOR sent during a transfer without the Telnet IP and
// Synch (Python's ftplib) with a 500 and lets the transfer finish: the 500
// answers the ABOR, the 226 the transfer. Before any 1xx, a 5xx is still
// the transfer's own.
TEST_F(SessionTest, ASyntaxErrorDuringATransferAnswersTheAbor) {
    server("220 hi\r\n");
    client("RETR big\r\n");
    server("150 sending\r\n");
    client("ABOR\r\n");
    server("500 Unknown command.\r\n226 Transfer complete.\r\n");
    client("RETR other\r\nABOR\r\n");
    server("501 Bad name\r\n225 No transfer to ABOR.\r\n");
    EXPECT_EQ(rec.events,
              (std::vector<std::string>{"R 220 greeting", "C RETR big", "R 150 <- RETR", "C ABOR", "R 500 <- ABOR",
                                        "R 226 <- RETR", "C RETR other", "C ABOR", "R 501 <- RETR", "R 225 <- ABOR"}));
}

TEST_F(SessionTest, CloseFlushesIncompleteReply) {
    server("220 hi\r\n");
    client("HELP\r\n");
    server("214-The following\r\n USER PASS");
    session.on_close({}, CloseReason::end_of_capture);
    EXPECT_EQ(rec.events,
              (std::vector<std::string>{"R 220 greeting", "C HELP", "R 214 <- HELP incomplete", "END login none"}));
}

TEST_F(SessionTest, PendingCommandsAreCapped) {
    FtpSession s{flow, rec, anomalies, budget, FtpLimits{8192, {}, 2}};
    s.on_data(Direction::to_server, {},
              std::span(reinterpret_cast<const std::uint8_t*>("NOOP\r\nSYST\r\nPWD\r\n"), 17));
    s.on_data(Direction::to_client, {}, std::span(reinterpret_cast<const std::uint8_t*>("200 a\r\n"), 7));
    EXPECT_EQ(anomalies.get(FtpAnomaly::pending_commands_cap_hit), 1u);
    EXPECT_EQ(rec.events.back(), "R 200 <- SYST");
}

}  // namespace
}  // namespace ftpsniff
