#include "ftpsniff/data_flows.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ftpsniff {
namespace {

struct Opened : DataFlowEvents {
    std::vector<std::uint64_t> owners;
    std::vector<DataFlowReport> ended;
    void on_data_flow_open(const DataFlowReport& r) override { owners.push_back(r.owner); }
    void on_data_flow_end(const DataFlowReport& r) override { ended.push_back(r); }
};

Endpoint at(std::uint8_t host, std::uint16_t port) { return Endpoint{IpAddress{4, {10, 0, 0, host}}, port}; }

TcpSegment syn(const Endpoint& from, const Endpoint& to) {
    TcpSegment s;
    s.src = from;
    s.dst = to;
    s.flags = tcp_flag::syn;
    return s;
}

class DataFlows : public testing::Test {
protected:
    Opened events;
    AnomalyCounts anomalies;
    DataFlowTable table{events, anomalies};
    const Endpoint client = at(1, 40000);
};

TEST_F(DataFlows, ForgetDropsOnlyWhatTheOwnerStillWaitsFor) {
    table.expect(at(2, 5001), 1);
    table.expect(at(2, 5002), 1);
    table.expect(at(2, 5002), 2);  // another session announces the same address: it is now 2's
    table.forget(1);
    EXPECT_FALSE(table.feed(syn(client, at(2, 5001))));
    EXPECT_TRUE(table.feed(syn(client, at(2, 5002))));
    EXPECT_EQ(events.owners, (std::vector<std::uint64_t>{2}));
}

TEST_F(DataFlows, PacketsOnPortsNoListenerUsesAreTurnedAway) {
    table.expect(at(2, 5001), 1);
    EXPECT_FALSE(table.feed(syn(client, at(2, 443))));
    EXPECT_FALSE(table.feed(syn(at(3, 5001), at(2, 40001))));  // the port matches, the address does not
    EXPECT_TRUE(table.feed(syn(client, at(2, 5001))));
    TcpSegment reply = syn(at(2, 5001), client);
    reply.flags = tcp_flag::syn | tcp_flag::ack;
    EXPECT_TRUE(table.feed(reply));  // the followed connection, the other way
}

TEST_F(DataFlows, AnOwnerThatAnnouncesThousandsStillForgetsThemAll) {
    for (std::uint16_t p = 1; p <= 3000; ++p) {
        table.expect(at(2, static_cast<std::uint16_t>(10000 + p)), 7);
        if (p % 2 == 0) {
            EXPECT_TRUE(table.feed(syn(client, at(2, static_cast<std::uint16_t>(10000 + p)))));
        }
    }
    table.forget(7);
    for (std::uint16_t p = 1; p <= 3000; p += 2) {
        EXPECT_FALSE(table.feed(syn(client, at(2, static_cast<std::uint16_t>(10000 + p))))) << p;
    }
}

TcpSegment packet(const Endpoint& from, const Endpoint& to, std::uint8_t flags, std::uint32_t seq,
                  std::vector<std::uint8_t>* payload = nullptr) {
    TcpSegment s = syn(from, to);
    s.flags = flags;
    s.seq = seq;
    if (payload != nullptr) s.payload = *payload;
    return s;
}

TEST_F(DataFlows, SynsNobodyAnswersAreCountedAndGivenUpOn) {
    const Endpoint listener = at(2, 5001);
    table.expect(listener, 1);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(table.feed(syn(client, listener)));
    table.give_up_if_unanswered(client, listener);
    ASSERT_EQ(events.ended.size(), 1U);
    EXPECT_EQ(events.ended[0].syns, 3U);
    EXPECT_FALSE(events.ended[0].answered);
    EXPECT_FALSE(table.feed(syn(client, listener))) << "one more SYN starts nothing: the port served its one";
}

TEST_F(DataFlows, AnAnsweredConnectionIsNotGivenUpOn) {
    const Endpoint listener = at(2, 5001);
    table.expect(listener, 1);
    table.feed(syn(client, listener));
    table.feed(packet(listener, client, tcp_flag::syn | tcp_flag::ack, 500));
    table.give_up_if_unanswered(client, listener);
    EXPECT_TRUE(events.ended.empty());
}

TEST_F(DataFlows, TheResetsSenderAndTheFirstBytesAreKept) {
    const Endpoint listener = at(2, 5001);
    table.expect(listener, 1);
    table.feed(packet(client, listener, tcp_flag::syn, 100));
    table.feed(packet(listener, client, tcp_flag::syn | tcp_flag::ack, 500));
    std::vector<std::uint8_t> hello = {22, 3, 1, 0, 5, 1, 0, 0, 1, 0};
    table.feed(packet(client, listener, tcp_flag::ack, 101, &hello));
    table.feed(packet(listener, client, tcp_flag::rst | tcp_flag::ack, 501));
    ASSERT_EQ(events.ended.size(), 1U);
    const DataFlowReport& r = events.ended[0];
    EXPECT_TRUE(r.answered);
    EXPECT_TRUE(r.tls);
    EXPECT_EQ(r.closed_by, FlowSide::listener);
    EXPECT_EQ(r.end, CloseReason::rst);
    EXPECT_EQ(r.bytes_to_listener, hello.size());
}

TEST_F(DataFlows, ARstAnsweringTheSynIsNoAnswer) {
    const Endpoint listener = at(2, 5001);
    table.expect(listener, 1);
    table.feed(syn(client, listener));
    table.feed(packet(listener, client, tcp_flag::rst | tcp_flag::ack, 0));
    ASSERT_EQ(events.ended.size(), 1U);
    EXPECT_FALSE(events.ended[0].answered);
    EXPECT_EQ(events.ended[0].closed_by, FlowSide::listener);
}

TEST_F(DataFlows, TheSideWhoseWindowWasLastZeroHadStoppedReading) {
    const Endpoint listener = at(2, 5001);
    table.expect(listener, 1);
    std::vector<std::uint8_t> open_window(20, 0), closed_window(20, 0);
    open_window[14] = 0x10;
    TcpSegment s = syn(client, listener);
    s.header = open_window;
    table.feed(s);
    TcpSegment ack = packet(client, listener, tcp_flag::ack, 1);
    ack.header = closed_window;  // the opener's receive window is full
    table.feed(packet(listener, client, tcp_flag::syn | tcp_flag::ack, 500));
    table.feed(ack);
    TcpSegment rst = packet(client, listener, tcp_flag::rst, 1);
    rst.header = open_window;  // a reset's window says nothing
    table.feed(rst);
    ASSERT_EQ(events.ended.size(), 1U);
    EXPECT_EQ(events.ended[0].zero_window, FlowSide::opener);
}

TEST_F(DataFlows, AWithdrawnAddressTakesNoConnection) {
    table.expect(at(2, 5001), 1);
    table.expect(at(3, 5001), 1);
    table.withdraw(at(3, 5001), 1);
    table.withdraw(at(2, 5001), 2);  // not 2's to withdraw
    EXPECT_FALSE(table.feed(syn(client, at(3, 5001))));
    EXPECT_TRUE(table.feed(syn(client, at(2, 5001))));
}

}  // namespace
}  // namespace ftpsniff
