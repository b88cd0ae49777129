#include "frames.hpp"

#include "ftpsniff/decode.hpp"

#include <gtest/gtest.h>

namespace ftpsniff {
namespace {

using test::Bytes;

constexpr int kEthernet = 1;
constexpr int kLinuxSll2 = 276;
const std::array<std::uint8_t, 4> kClient{192, 0, 2, 1};
const std::array<std::uint8_t, 4> kServer{192, 0, 2, 2};

// Decodes one frame with a fresh decoder; fine for anything but fragments,
// whose reassembled payload lives in the decoder.
Decoded decode_once(const RawFrame& frame) {
    MemoryBudget budget(1 << 20);
    AnomalyCounts anomalies;
    FrameDecoder decoder(budget, anomalies);
    return decoder.decode(frame);
}

IpAddress v6(std::initializer_list<std::uint8_t> bytes) {
    IpAddress ip{6, {}};
    std::copy(bytes.begin(), bytes.end(), ip.bytes.begin());
    return ip;
}

TEST(Address, Ipv4AndPort) {
    Endpoint ep{IpAddress{4, {192, 0, 2, 1}}, 21};
    EXPECT_EQ(to_string(ep), "192.0.2.1:21");
}

TEST(Address, Ipv6FollowsRfc5952) {
    EXPECT_EQ(to_string(Endpoint{v6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0x26}), 21}), "[fd00::1:26]:21");
    EXPECT_EQ(to_string(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})), "::1");
    EXPECT_EQ(to_string(v6({})), "::");
    // One zero group is not shortened; the first of two equal runs is.
    EXPECT_EQ(to_string(v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1})), "2001:db8:0:1:1:1:1:1");
    EXPECT_EQ(to_string(v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1})), "2001:db8::1:0:0:1");
    EXPECT_EQ(to_string(v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 1, 0xAB, 0xCD, 0, 0})), "2001:db8::1:abcd:0");
}

TEST(Decode, EthernetIpv4TcpPayload) {
    Bytes bytes = test::ethernet(
        0x0800, test::ipv4(kClient, kServer,
                           test::with_payload(test::tcp_header(50000, 21, 1000, 2000, tcp_flag::ack), "USER x\r\n")));
    Decoded d = decode_once(test::frame(kEthernet, bytes));
    ASSERT_EQ(d.status, DecodeStatus::tcp);
    EXPECT_EQ(to_string(d.segment.src), "192.0.2.1:50000");
    EXPECT_EQ(to_string(d.segment.dst), "192.0.2.2:21");
    EXPECT_EQ(d.segment.seq, 1000u);
    EXPECT_EQ(d.segment.ack, 2000u);
    EXPECT_EQ(std::string(d.segment.payload.begin(), d.segment.payload.end()), "USER x\r\n");
    EXPECT_EQ(d.segment.missing, 0u);
}

TEST(Decode, EthernetPaddingIsNotPayload) {
    Bytes bytes =
        test::ethernet(0x0800, test::ipv4(kClient, kServer, test::tcp_header(50000, 21, 1, 1, tcp_flag::ack)));
    bytes.resize(60, 0);  // minimum Ethernet frame
    Decoded d = decode_once(test::frame(kEthernet, bytes));
    ASSERT_EQ(d.status, DecodeStatus::tcp);
    EXPECT_TRUE(d.segment.payload.empty());
}

TEST(Decode, TcpOptionsAreSkipped) {
    Bytes bytes = test::ethernet(
        0x0800, test::ipv4(kClient, kServer,
                           test::with_payload(test::tcp_header(50000, 21, 1, 1, tcp_flag::ack, 8), "NOOP\r\n")));
    Decoded d = decode_once(test::frame(kEthernet, bytes));
    ASSERT_EQ(d.status, DecodeStatus::tcp);
    EXPECT_EQ(std::string(d.segment.payload.begin(), d.segment.payload.end()), "NOOP\r\n");
}

TEST(Decode, VlanTagsAreSkipped) {
    Bytes inner = test::ipv4(kClient, kServer, test::with_payload(test::tcp_header(1, 21, 1, 1, tcp_flag::ack), "X\n"));
    Bytes tagged{0x00, 0x64};  // VLAN 100, then the real ethertype
    test::put16(tagged, 0x0800);
    tagged.insert(tagged.end(), inner.begin(), inner.end());
    Bytes qinq{0x00, 0x0a};
    test::put16(qinq, 0x8100);
    qinq.insert(qinq.end(), tagged.begin(), tagged.end());
    Decoded d = decode_once(test::frame(kEthernet, test::ethernet(0x88a8, qinq)));
    ASSERT_EQ(d.status, DecodeStatus::tcp);
    EXPECT_EQ(d.segment.dst.port, 21);
}

TEST(Decode, LinuxCookedV2) {
    Bytes sll2;
    test::put16(sll2, 0x86dd);
    sll2.resize(20, 0);
    Bytes ip6{0x60, 0, 0, 0};
    Bytes tcp = test::with_payload(test::tcp_header(21, 40000, 7, 8, tcp_flag::ack), "220 hi\r\n");
    test::put16(ip6, static_cast<std::uint16_t>(tcp.size()));
    ip6.push_back(6);
    ip6.push_back(64);
    for (int i = 0; i < 32; ++i) ip6.push_back(i == 15 || i == 31 ? 1 : 0);
    ip6.insert(ip6.end(), tcp.begin(), tcp.end());
    sll2.insert(sll2.end(), ip6.begin(), ip6.end());
    Decoded d = decode_once(test::frame(kLinuxSll2, sll2));
    ASSERT_EQ(d.status, DecodeStatus::tcp);
    EXPECT_EQ(to_string(d.segment.src), "[::1]:21");
}

TEST(Decode, NonTcpIsSkippedWithoutAnomaly) {
    Bytes bytes = test::ethernet(0x0800, test::ipv4(kClient, kServer, Bytes(8, 0), 17));
    EXPECT_EQ(decode_once(test::frame(kEthernet, bytes)).status, DecodeStatus::not_tcp);
    EXPECT_EQ(decode_once(test::frame(kEthernet, test::ethernet(0x0806, Bytes(28, 0)))).status, DecodeStatus::not_tcp);
}

struct MalformedCase {
    const char* name;
    Bytes bytes;
    DecodeAnomaly expected;
};

class DecodeMalformed : public testing::TestWithParam<MalformedCase> {};

TEST_P(DecodeMalformed, IsNamedAnomaly) {
    const MalformedCase& c = GetParam();
    Decoded d = decode_once(test::frame(kEthernet, c.bytes));
    ASSERT_EQ(d.status, DecodeStatus::anomaly) << c.name;
    EXPECT_EQ(anomaly_name(d.anomaly), anomaly_name(c.expected)) << c.name;
}

Bytes good_ipv4() {
    return test::ipv4(kClient, kServer, test::with_payload(test::tcp_header(1, 21, 1, 1, tcp_flag::ack), "QUIT\r\n"));
}

Bytes mutate(Bytes b, std::size_t at, std::uint8_t value) {
    b[at] = value;
    return b;
}

Bytes cut(Bytes b, std::size_t size) {
    b.resize(size);
    return b;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DecodeMalformed,
    testing::Values(MalformedCase{"short ethernet", Bytes(10, 0), DecodeAnomaly::truncated_link_header},
                    MalformedCase{"short ip header", test::ethernet(0x0800, cut(good_ipv4(), 12)),
                                  DecodeAnomaly::truncated_ip_header},
                    MalformedCase{"ihl below five", test::ethernet(0x0800, mutate(good_ipv4(), 0, 0x44)),
                                  DecodeAnomaly::bad_ip_header_length},
                    MalformedCase{"wrong version", test::ethernet(0x0800, mutate(good_ipv4(), 0, 0x55)),
                                  DecodeAnomaly::bad_ip_version},
                    MalformedCase{"total length past caplen", test::ethernet(0x0800, mutate(good_ipv4(), 2, 0x10)),
                                  DecodeAnomaly::ip_length_past_caplen},
                    MalformedCase{"tcp data offset below five", test::ethernet(0x0800, mutate(good_ipv4(), 32, 0x40)),
                                  DecodeAnomaly::bad_tcp_data_offset},
                    MalformedCase{"tcp data offset past the segment",
                                  test::ethernet(0x0800, mutate(good_ipv4(), 32, 0xf0)),
                                  DecodeAnomaly::bad_tcp_data_offset}),
    [](const testing::TestParamInfo<MalformedCase>& param) {
        std::string name = param.param.name;
        for (char& c : name) {
            if (c == ' ') c = '_';
        }
        return name;
    });

TEST(Decode, SnapLengthCutReportsMissingBytes) {
    Bytes bytes = test::ethernet(0x0800, good_ipv4());
    RawFrame f = test::frame(kEthernet, bytes);
    f.wirelen = f.caplen;
    f.caplen -= 4;
    f.bytes = f.bytes.first(f.caplen);
    Decoded d = decode_once(f);
    ASSERT_EQ(d.status, DecodeStatus::tcp);
    EXPECT_EQ(std::string(d.segment.payload.begin(), d.segment.payload.end()), "QU");
    EXPECT_EQ(d.segment.missing, 4u);
}

}  // namespace
}  // namespace ftpsniff
