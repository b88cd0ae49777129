#include "ftpsniff/data_flows.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ftpsniff {
namespace {

struct Opened : DataFlowEvents {
    std::vector<std::uint64_t> owners;
    void on_data_flow_open(const DataFlowReport& r) override { owners.push_back(r.owner); }
    void on_data_flow_end(const DataFlowReport&) override {}
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

}  // namespace
}  // namespace ftpsniff
