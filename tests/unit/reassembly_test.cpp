#include "ftpsniff/reassembly.hpp"
#include "ftpsniff/ftp_anomaly.hpp"  // anomaly_name(Anomaly)

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ftpsniff {
namespace {

// Writes what a flow's handler receives as text: data as is, gaps as
// "<gap N>", the close as "<close>", per direction.
struct Recorded {
    std::string to_server;
    std::string to_client;
    std::vector<std::uint64_t> ids;
    int closes = 0;
    CloseReason last_close{};
};

class RecordingHandler : public StreamHandler {
public:
    explicit RecordingHandler(Recorded& r) : r_(r) {}
    void on_data(Direction dir, Timestamp, std::span<const std::uint8_t> bytes) override {
        side(dir).append(bytes.begin(), bytes.end());
    }
    void on_gap(Direction dir, Timestamp, std::uint64_t length) override {
        side(dir) += "<gap " + std::to_string(length) + ">";
    }
    void on_anomaly(Direction dir, Timestamp, Anomaly what) override {
        side(dir) += "<" + std::string(anomaly_name(what)) + ">";
    }
    void on_close(Timestamp, CloseReason why) override {
        ++r_.closes;
        r_.last_close = why;
    }

private:
    std::string& side(Direction d) { return d == Direction::to_server ? r_.to_server : r_.to_client; }
    Recorded& r_;
};

class ReassemblyTest : public testing::Test {
protected:
    Reassembler reassembler{[this](const FlowInfo& f) {
                                rec.ids.push_back(f.id);
                                return std::make_unique<RecordingHandler>(rec);
                            },
                            anomalies, budget, ReassemblyLimits{64, 100, 600}};

    void client(std::uint32_t seq, std::string_view data, std::uint8_t flags = tcp_flag::ack, std::uint32_t ack = 0) {
        send(true, seq, data, flags, ack);
    }
    void server(std::uint32_t seq, std::string_view data, std::uint8_t flags = tcp_flag::ack, std::uint32_t ack = 0) {
        send(false, seq, data, flags, ack);
    }
    void send(bool to_server, std::uint32_t seq, std::string_view data, std::uint8_t flags, std::uint32_t ack) {
        TcpSegment s;
        s.ts = now;
        s.src = to_server ? kClient : kServer;
        s.dst = to_server ? kServer : kClient;
        s.seq = seq;
        s.ack = ack;
        // Without an explicit ack, acknowledge nothing new of the peer.
        s.flags = ack == 0 ? static_cast<std::uint8_t>(flags & ~tcp_flag::ack) : flags;
        s.payload = std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
        reassembler.feed(s, to_server);
    }

    const Endpoint kClient{IpAddress{4, {10, 0, 0, 1}}, 40000};
    const Endpoint kServer{IpAddress{4, {10, 0, 0, 2}}, 21};
    AnomalyCounts anomalies;
    MemoryBudget budget{1 << 20};
    Recorded rec;
    Timestamp now{};  // of the packets sent
};

TEST_F(ReassemblyTest, InOrderBytesPassThrough) {
    client(100, "", tcp_flag::syn);
    server(500, "", tcp_flag::syn | tcp_flag::ack, 101);
    server(501, "220 ready\r\n");
    client(101, "USER a\r\n");
    EXPECT_EQ(rec.to_client, "220 ready\r\n");
    EXPECT_EQ(rec.to_server, "USER a\r\n");
    EXPECT_EQ(rec.ids, std::vector<std::uint64_t>{1});
}

TEST_F(ReassemblyTest, FaithfulRetransmissionIsDroppedQuietly) {
    client(100, "", tcp_flag::syn);
    client(101, "USER a\r\n");
    client(101, "USER a\r\n");
    client(105, " a\r\nPASS\r\n");
    EXPECT_EQ(rec.to_server, "USER a\r\nPASS\r\n");
    EXPECT_EQ(anomalies.get(StreamAnomaly::tcp_overlap_conflict), 0u);
}

TEST_F(ReassemblyTest, ConflictingRetransmissionKeepsFirstCopyAndIsReported) {
    client(100, "", tcp_flag::syn);
    client(101, "USER a\r\n");
    client(101, "USER b\r\n");
    client(105, "XX\r\nPASS\r\n");
    EXPECT_EQ(rec.to_server, "USER a\r\n<tcp_overlap_conflict><tcp_overlap_conflict>PASS\r\n");
    EXPECT_EQ(anomalies.get(StreamAnomaly::tcp_overlap_conflict), 2u);
}

TEST_F(ReassemblyTest, OverlapWhileBufferedKeepsFirstArrival) {
    client(100, "", tcp_flag::syn);
    client(106, "bbbbb");    // positions 5-9 arrive first
    client(104, "XXyyyyy");  // 3-9: the overlap 5-9 disagrees
    client(101, "aaa");
    EXPECT_EQ(rec.to_server, "<tcp_overlap_conflict>aaaXXbbbbb");
    EXPECT_EQ(anomalies.get(StreamAnomaly::tcp_overlap_conflict), 1u);
}

TEST_F(ReassemblyTest, OutOfOrderIsDeliveredInOrder) {
    client(100, "", tcp_flag::syn);
    client(111, "ccc");
    client(106, "bbbbb");
    client(101, "aaaaa");
    EXPECT_EQ(rec.to_server, "aaaaabbbbbccc");
}

TEST_F(ReassemblyTest, SequenceWrapsAround) {
    for (std::uint32_t isn : {0xfffffff0u, 0xfffffffbu, 0xfffffffeu, 0xffffffffu}) {
        rec = {};
        Reassembler r{[this](const FlowInfo&) { return std::make_unique<RecordingHandler>(rec); }, anomalies, budget};
        auto seg = [&](std::uint32_t seq, std::string_view data, std::uint8_t flags) {
            TcpSegment s{{},
                         kClient,
                         kServer,
                         seq,
                         0,
                         flags,
                         std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()),
                         0,
                         {},
                         {}};
            r.feed(s, true);
        };
        seg(isn, "", tcp_flag::syn);
        seg(isn + 1 + 6, "world\n", 0);  // ahead, across the wrap for most ISNs
        seg(isn + 1, "hello ", 0);
        EXPECT_EQ(rec.to_server, "hello world\n") << "isn " << isn;
    }
}

TEST_F(ReassemblyTest, AckPastMissingBytesDeclaresGap) {
    client(100, "", tcp_flag::syn);
    server(500, "", tcp_flag::syn | tcp_flag::ack, 101);
    server(501, "220 a\r\n");
    // 10 bytes from the server were never captured, but the client acks them.
    server(518, "221 b\r\n");
    client(101, "", tcp_flag::ack, 525);
    EXPECT_EQ(rec.to_client, "220 a\r\n<gap 10>221 b\r\n");
}

TEST_F(ReassemblyTest, UnfilledHoleBecomesGapAtClose) {
    client(100, "", tcp_flag::syn);
    client(101, "USER a\r\n");
    client(119, "QUIT\r\n");
    reassembler.finish({});
    EXPECT_EQ(rec.to_server, "USER a\r\n<gap 10>QUIT\r\n");
    EXPECT_EQ(rec.last_close, CloseReason::end_of_capture);
}

TEST_F(ReassemblyTest, OutOfOrderCapForcesGap) {
    client(100, "", tcp_flag::syn);
    client(201, std::string(40, 'a'));
    client(241, std::string(40, 'b'));  // 80 buffered bytes exceed the cap of 64
    EXPECT_EQ(anomalies.get(StreamAnomaly::out_of_order_cap_hit), 1u);
    EXPECT_EQ(rec.to_server, "<out_of_order_cap_hit><gap 100>" + std::string(40, 'a') + std::string(40, 'b'));
}

TEST_F(ReassemblyTest, MidStreamStartIsAnnouncedAsZeroGap) {
    server(7000, "lo world\r\n");
    EXPECT_EQ(rec.to_client, "<gap 0>");  // the first bytes wait one packet
    client(100, "QUIT\r\n");
    EXPECT_EQ(rec.to_client, "<gap 0>lo world\r\n");
    EXPECT_EQ(rec.to_server, "<gap 0>");
}

// A capture that begins with the tail of a line whose head comes right
// after it (reordered) keeps the whole line.
TEST_F(ReassemblyTest, PickupWaitsOnePacketForTheSegmentBeforeIt) {
    client(107, "cret\r\n");
    client(100, "PASS se");
    EXPECT_EQ(rec.to_server, "<gap 0>PASS secret\r\n");
    client(300, "far\r\n");  // not the segment before: the next one waits no more
    server(900, "x\r\n");
    reassembler.finish(now);
    EXPECT_EQ(rec.to_server, "<gap 0>PASS secret\r\n<gap 187>far\r\n");
}

TEST_F(ReassemblyTest, FinFromBothSidesCloses) {
    client(100, "", tcp_flag::syn);
    server(500, "", tcp_flag::syn | tcp_flag::ack, 101);
    client(101, "QUIT\r\n", tcp_flag::fin | tcp_flag::ack, 501);
    EXPECT_EQ(rec.closes, 0);
    server(501, "221 bye\r\n", tcp_flag::fin | tcp_flag::ack, 108);
    EXPECT_EQ(rec.closes, 1);
    EXPECT_EQ(rec.last_close, CloseReason::fin);
    client(108, "", tcp_flag::ack, 511);  // the last ACK opens nothing new
    EXPECT_EQ(rec.ids.size(), 1u);
}

TEST_F(ReassemblyTest, SynOnClosedTupleStartsNewFlow) {
    client(100, "", tcp_flag::syn);
    client(101, "A\n", tcp_flag::rst);
    EXPECT_EQ(rec.closes, 0);  // open a moment longer for the other side's last bytes
    client(9000, "", tcp_flag::syn);
    EXPECT_EQ(rec.last_close, CloseReason::rst);
    client(9001, "B\n");
    EXPECT_EQ(rec.ids, (std::vector<std::uint64_t>{1, 2}));
    EXPECT_EQ(rec.to_server, "A\nB\n");
}

// vsftpd's "500 OOPS: ..." saying why a session died comes after the
// client's reset: shown, flagged once, and the session ends as reset.
TEST_F(ReassemblyTest, BytesAfterTheOtherSidesResetAreDeliveredAndFlagged) {
    now = {1000, 0};
    client(100, "", tcp_flag::syn);
    server(500, "", tcp_flag::syn | tcp_flag::ack, 101);
    client(101, "", tcp_flag::rst | tcp_flag::ack, 501);
    server(501, "500 OOPS: ", tcp_flag::ack, 101);
    server(511, "child died\r\n", tcp_flag::ack, 101);
    server(501, "500 OOPS: ", tcp_flag::ack, 101);  // a retransmission is nothing new
    EXPECT_EQ(rec.to_client, "<data_after_reset>500 OOPS: child died\r\n");
    EXPECT_EQ(anomalies.get(StreamAnomaly::data_after_reset), 1u);
    EXPECT_EQ(rec.closes, 0);
    now = {1002, 0};
    client(101, "", tcp_flag::rst | tcp_flag::ack, 501);  // the sweep closes it first: a late packet
    EXPECT_EQ(rec.closes, 1);
    EXPECT_EQ(rec.last_close, CloseReason::rst);
}

// A control connection idle through a long transfer goes on afterwards:
// its 226 and QUIT are picked up as a new session, never dropped.
TEST_F(ReassemblyTest, PacketsAfterAnIdleCloseArePickedUp) {
    now = {1000, 0};
    client(100, "", tcp_flag::syn);
    server(500, "", tcp_flag::syn | tcp_flag::ack, 101);
    client(101, "RETR big\r\n", tcp_flag::ack, 501);
    now = {1700, 0};  // past the 600 s idle timeout
    server(501, "226 Done\r\n", tcp_flag::ack, 111);
    EXPECT_EQ(rec.ids, (std::vector<std::uint64_t>{1, 2}));
    EXPECT_EQ(rec.last_close, CloseReason::idle_timeout);
    reassembler.finish(now);
    EXPECT_EQ(rec.to_client, "<gap 0>226 Done\r\n");
}

// Two captures of the same moment merged: the second copy of a finished
// connection (same ISN) is counted once and not followed again.
TEST_F(ReassemblyTest, SameConnectionTwiceIsADuplicate) {
    for (int copy = 0; copy < 2; ++copy) {
        client(100, "", tcp_flag::syn);
        server(500, "", tcp_flag::syn | tcp_flag::ack, 101);
        client(101, "QUIT\r\n", tcp_flag::fin | tcp_flag::ack, 501);
        server(501, "221 Bye\r\n", tcp_flag::fin | tcp_flag::ack, 108);
    }
    EXPECT_EQ(rec.ids, (std::vector<std::uint64_t>{1}));
    EXPECT_EQ(rec.to_server, "QUIT\r\n");
    EXPECT_EQ(anomalies.get(StreamAnomaly::duplicate_connection), 1u);
}

TEST_F(ReassemblyTest, LateSegmentOfClosedFlowOpensNothingAndMemoryIsGivenBack) {
    client(100, "", tcp_flag::syn);
    server(500, "", tcp_flag::syn | tcp_flag::ack, 101);
    client(101, "QUIT\r\n", tcp_flag::fin | tcp_flag::ack, 501);
    server(501, "221 bye\r\n", tcp_flag::fin | tcp_flag::ack, 108);
    EXPECT_LE(budget.used(), 256u);                               // only the tombstone is held
    client(101, "QUIT\r\n", tcp_flag::fin | tcp_flag::ack, 501);  // retransmitted after the close
    EXPECT_EQ(rec.ids.size(), 1u);
    EXPECT_EQ(rec.to_server, "QUIT\r\n");
}

TEST(Reassembly, ClosedTupleIsForgottenAfterTimeWait) {
    Recorded rec;
    AnomalyCounts anomalies;
    MemoryBudget budget{1 << 20};
    Reassembler r{[&rec](const FlowInfo& f) {
                      rec.ids.push_back(f.id);
                      return std::make_unique<RecordingHandler>(rec);
                  },
                  anomalies, budget, ReassemblyLimits{64, 100, 600, 60}};
    const Endpoint client{IpAddress{4, {10, 0, 0, 1}}, 40000};
    const Endpoint server{IpAddress{4, {10, 0, 0, 2}}, 21};
    auto bytes = [](std::string_view s) {
        return std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
    };
    r.feed(TcpSegment{{1000, 0}, client, server, 1, 0, tcp_flag::syn, {}, 0, {}, {}}, true);
    r.feed(TcpSegment{{1000, 0}, client, server, 2, 0, tcp_flag::rst, bytes("A\n"), 0, {}, {}}, true);
    r.feed(TcpSegment{{1030, 0}, client, server, 2, 0, 0, bytes("A\n"), 0, {}, {}}, true);  // remembered: ignored
    EXPECT_EQ(rec.ids.size(), 1u);
    r.feed(TcpSegment{{1061, 0}, client, server, 2, 0, 0, bytes("A\n"), 0, {}, {}}, true);  // forgotten: picked up
    EXPECT_EQ(rec.ids, (std::vector<std::uint64_t>{1, 2}));
}

TEST_F(ReassemblyTest, PureAcksAndKeepAlivesDoNotDisturb) {
    client(100, "", tcp_flag::syn);
    client(101, "AB");
    client(102, "", tcp_flag::ack, 1);    // keep-alive without data
    client(102, "\0", tcp_flag::ack, 1);  // keep-alive repeating one (garbage) byte
    client(103, "C\n");
    EXPECT_EQ(rec.to_server, "ABC\n");
    EXPECT_EQ(anomalies.get(StreamAnomaly::tcp_overlap_conflict), 0u);
}

TEST_F(ReassemblyTest, ZeroWindowProbeByteIsNotRepeated) {
    client(100, "", tcp_flag::syn);
    client(101, "U");         // the probe: one byte of new data
    client(101, "USER a\n");  // the window opens: sent again with the rest
    EXPECT_EQ(rec.to_server, "USER a\n");
    EXPECT_EQ(anomalies.get(StreamAnomaly::tcp_overlap_conflict), 0u);
}

TEST_F(ReassemblyTest, FullTableEvictsTheLeastRecentlyActiveFlowAndCounts) {
    Reassembler r{[this](const FlowInfo& f) {
                      rec.ids.push_back(f.id);
                      return std::make_unique<RecordingHandler>(rec);
                  },
                  anomalies, budget, ReassemblyLimits{64, 2, 600}};
    auto syn = [&](std::uint16_t port, std::int64_t sec) {
        r.feed(TcpSegment{{sec, 0}, Endpoint{kClient.ip, port}, kServer, 1, 0, tcp_flag::syn, {}, 0, {}, {}}, true);
    };
    syn(1, 1000);
    syn(2, 1001);
    syn(1, 1002);  // a retransmission: flow 1 is now the more recently active
    syn(3, 1003);  // table full: flow 2 makes room
    EXPECT_EQ(rec.ids, (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_EQ(rec.closes, 1);
    EXPECT_EQ(rec.last_close, CloseReason::evicted);
    EXPECT_EQ(anomalies.get(StreamAnomaly::flow_cap_hit), 1u);
    EXPECT_EQ(anomalies.get(StreamAnomaly::flow_evicted), 1u);
    syn(4, 1004);  // now flow 1 is the least recent
    EXPECT_EQ(rec.ids, (std::vector<std::uint64_t>{1, 2, 3, 4}));
    EXPECT_EQ(rec.closes, 2);
    EXPECT_EQ(anomalies.get(StreamAnomaly::flow_evicted), 2u);
}

TEST_F(ReassemblyTest, SpentBudgetEvictsAFlowRatherThanRefusingTheNewOne) {
    client(100, "", tcp_flag::syn);
    // Something else takes all but a little of the budget.
    ASSERT_TRUE(budget.charge(budget.limit() - budget.used() - 64));
    TcpSegment other{{}, Endpoint{kClient.ip, 40001}, kServer, 7, 0, tcp_flag::syn, {}, 0, {}, {}};
    reassembler.feed(other, true);
    EXPECT_EQ(rec.ids, (std::vector<std::uint64_t>{1, 2}));
    EXPECT_EQ(rec.last_close, CloseReason::evicted);
    EXPECT_EQ(anomalies.get(BudgetAnomaly::memory_cap_hit), 1u);
    EXPECT_EQ(anomalies.get(StreamAnomaly::flow_evicted), 1u);
    EXPECT_LE(budget.used(), budget.limit());
}

TEST_F(ReassemblyTest, UnansweredSynExpiresLongBeforeTheIdleTimeout) {
    Reassembler r{[this](const FlowInfo&) { return std::make_unique<RecordingHandler>(rec); }, anomalies, budget,
                  ReassemblyLimits{64, 100, 3600}};
    r.feed(TcpSegment{{1000, 0}, kClient, kServer, 1, 0, tcp_flag::syn, {}, 0, {}, {}}, true);
    r.feed(TcpSegment{{1031, 0}, Endpoint{kClient.ip, 2}, kServer, 1, 0, tcp_flag::syn, {}, 0, {}, {}}, true);
    EXPECT_EQ(rec.closes, 1);
    EXPECT_EQ(rec.last_close, CloseReason::idle_timeout);
}

TEST_F(ReassemblyTest, AnsweredSynKeepsTheIdleTimeout) {
    Reassembler r{[this](const FlowInfo&) { return std::make_unique<RecordingHandler>(rec); }, anomalies, budget,
                  ReassemblyLimits{64, 100, 3600}};
    r.feed(TcpSegment{{1000, 0}, kClient, kServer, 1, 0, tcp_flag::syn, {}, 0, {}, {}}, true);
    r.feed(TcpSegment{{1000, 0}, kServer, kClient, 9, 2, tcp_flag::syn | tcp_flag::ack, {}, 0, {}, {}}, false);
    r.feed(TcpSegment{{2000, 0}, Endpoint{kClient.ip, 2}, kServer, 1, 0, tcp_flag::syn, {}, 0, {}, {}}, true);
    EXPECT_EQ(rec.closes, 0);
}

TEST_F(ReassemblyTest, BufferedSegmentsAreChargedWhatTheyCostNotTheirPayload) {
    client(100, "", tcp_flag::syn);
    std::size_t before = budget.used();
    // 50 one-byte segments ahead of a one-byte hole (the cap is 64 bytes).
    for (std::uint32_t i = 0; i < 50; ++i) client(102 + i, "x");
    EXPECT_EQ(anomalies.get(StreamAnomaly::out_of_order_cap_hit), 0u);
    // Each is a map node and a vector block: far more than its one byte.
    EXPECT_GE(budget.used() - before, 50 * (sizeof(std::uint64_t) + 3 * sizeof(void*) + 32));
    client(101, "a");  // the hole fills: everything is delivered and given back
    EXPECT_EQ(rec.to_server, "a" + std::string(50, 'x'));
    EXPECT_EQ(budget.used(), before);
}

TEST_F(ReassemblyTest, IdleFlowIsClosedOnCaptureTime) {
    Reassembler r{[this](const FlowInfo&) { return std::make_unique<RecordingHandler>(rec); }, anomalies, budget,
                  ReassemblyLimits{64, 100, 60}};
    TcpSegment s{{1000, 0}, kClient, kServer, 1, 0, tcp_flag::syn, {}, 0, {}, {}};
    r.feed(s, true);
    TcpSegment other{{1061, 0}, Endpoint{kClient.ip, 2}, kServer, 1, 0, tcp_flag::syn, {}, 0, {}, {}};
    r.feed(other, true);  // 61 s later: the first flow has idled out
    EXPECT_EQ(rec.closes, 1);
    EXPECT_EQ(rec.last_close, CloseReason::idle_timeout);
}

TEST_F(ReassemblyTest, MemoryBudgetRefusesBufferingAndCounts) {
    MemoryBudget tight{16 * 1024};
    Reassembler r{[this](const FlowInfo&) { return std::make_unique<RecordingHandler>(rec); }, anomalies, tight};
    auto data = std::string(15000, 'x');
    TcpSegment syn{{}, kClient, kServer, 100, 0, tcp_flag::syn, {}, 0, {}, {}};
    r.feed(syn, true);
    TcpSegment ahead{
        {}, kClient, kServer, 5000, 0, 0, std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()),
        0,  {},      {}};
    r.feed(ahead, true);
    EXPECT_EQ(anomalies.get(BudgetAnomaly::memory_cap_hit), 1u);
}

TEST(SequenceCompare, FollowsRfc1982) {
    EXPECT_EQ(seq_diff(2, 1), 1);
    EXPECT_EQ(seq_diff(1, 2), -1);
    EXPECT_EQ(seq_diff(0, 0xffffffffu), 1);
    EXPECT_EQ(seq_diff(0x10, 0xfffffff0u), 0x20);
    EXPECT_EQ(seq_diff(5, 5), 0);
}

}  // namespace
}  // namespace ftpsniff
