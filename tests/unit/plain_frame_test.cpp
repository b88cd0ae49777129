// The plain-frame shortcut must decode exactly as the general path does. The
// same IP packet is decoded behind Ethernet (the shortcut's link type) and
// behind Linux cooked capture (always the general path), whole and cut at
// every length, and the results compared field by field.
#include "plain_frame.hpp"
#include "frames.hpp"

#include "ftpsniff/decode.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ftpsniff {
namespace {

using test::Bytes;

constexpr int kEthernet = 1;
constexpr int kLinuxSll = 113;
const std::array<std::uint8_t, 4> kClient{192, 0, 2, 1};
const std::array<std::uint8_t, 4> kServer{192, 0, 2, 2};

Bytes sll(std::uint16_t protocol, const Bytes& payload) {
    Bytes b(14, 0);
    test::put16(b, protocol);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

Bytes ipv6(const Bytes& after, std::uint8_t next = 6, std::size_t claimed_extra = 0) {
    Bytes b{0x60, 0, 0, 0};
    test::put16(b, static_cast<std::uint16_t>(after.size() + claimed_extra));
    b.push_back(next);
    b.push_back(64);
    for (int i = 0; i < 32; ++i) b.push_back(static_cast<std::uint8_t>(i == 15 || i == 31 ? i : 0xfd));
    b.insert(b.end(), after.begin(), after.end());
    return b;
}

std::string text(std::span<const std::uint8_t> bytes) { return {bytes.begin(), bytes.end()}; }

// Decodes `ip` (cut to `keep` bytes of `ip.size()` on the wire) behind both
// link types and compares. Returns whether the shortcut took the Ethernet frame.
bool same_both_ways(const Bytes& ip, std::uint16_t ethertype, std::size_t keep, bool snap_cut) {
    Bytes cut(ip.begin(), ip.begin() + static_cast<std::ptrdiff_t>(keep));
    Bytes eth = test::ethernet(ethertype, cut);
    Bytes cooked = sll(ethertype, cut);
    RawFrame a = test::frame(kEthernet, eth);
    RawFrame b = test::frame(kLinuxSll, cooked);
    if (snap_cut) {
        a.wirelen += static_cast<std::uint32_t>(ip.size() - keep);
        b.wirelen += static_cast<std::uint32_t>(ip.size() - keep);
    }
    a.ts = b.ts = Timestamp{1790000000, 250};
    MemoryBudget budget(1 << 20);
    AnomalyCounts counts;
    FrameDecoder first(budget, counts), second(budget, counts);
    const Decoded& x = first.decode(a);
    const Decoded& y = second.decode(b);
    std::string where = "keep " + std::to_string(keep) + (snap_cut ? " (snap cut)" : "");
    EXPECT_EQ(x.status, y.status) << where;
    if (x.status == DecodeStatus::anomaly) {
        EXPECT_EQ(x.anomaly, y.anomaly) << where;
    }
    if (x.status == DecodeStatus::tcp && y.status == DecodeStatus::tcp) {
        const TcpSegment& s = x.segment;
        const TcpSegment& t = y.segment;
        EXPECT_EQ(s.ts, t.ts) << where;
        EXPECT_EQ(s.src, t.src) << where;
        EXPECT_EQ(s.dst, t.dst) << where;
        EXPECT_EQ(s.seq, t.seq) << where;
        EXPECT_EQ(s.ack, t.ack) << where;
        EXPECT_EQ(s.flags, t.flags) << where;
        EXPECT_EQ(s.missing, t.missing) << where;
        EXPECT_EQ(text(s.header), text(t.header)) << where;
        EXPECT_EQ(text(s.ip), text(t.ip)) << where;
        EXPECT_EQ(text(s.payload), text(t.payload)) << where;
    }
    Decoded scratch;
    return decode_plain_frame(a, scratch);
}

// Every cut of the packet, as a snap-length cut and as a malformed frame.
void same_at_every_length(const Bytes& ip, std::uint16_t ethertype) {
    for (std::size_t keep = 0; keep <= ip.size(); ++keep) {
        same_both_ways(ip, ethertype, keep, false);
        same_both_ways(ip, ethertype, keep, true);
    }
}

Bytes tcp(std::string_view payload, std::uint8_t words = 5) {
    return test::with_payload(test::tcp_header(40000, 21, 0x01020304, 0xa0b0c0d0, tcp_flag::ack | tcp_flag::fin, words),
                              payload);
}

TEST(PlainFrame, OrdinaryFramesTakeTheShortcut) {
    EXPECT_TRUE(same_both_ways(test::ipv4(kClient, kServer, tcp("RETR a\r\n")), 0x0800, 48, false));
    EXPECT_TRUE(same_both_ways(test::ipv4(kClient, kServer, tcp("")), 0x0800, 40, false));      // a bare ACK
    EXPECT_TRUE(same_both_ways(test::ipv4(kClient, kServer, tcp("x", 8)), 0x0800, 53, false));  // TCP options
    EXPECT_TRUE(same_both_ways(ipv6(tcp("230 in\r\n")), 0x86dd, 68, false));
}

TEST(PlainFrame, EthernetPaddingIsLeftOut) {
    Bytes ip = test::ipv4(kClient, kServer, tcp(""));
    Bytes padded = ip;
    padded.resize(46, 0xee);  // Ethernet's minimum payload
    EXPECT_TRUE(same_both_ways(padded, 0x0800, padded.size(), false));
}

TEST(PlainFrame, OtherFramesGoTheGeneralWay) {
    Bytes options = test::ipv4(kClient, kServer, tcp("USER a-rather-long-name-so-a-misread-header-fits\r\n"));
    options[0] = 0x46;
    options.insert(options.begin() + 20, {1, 1, 1, 1});
    options[3] = static_cast<std::uint8_t>(options.size());
    EXPECT_FALSE(same_both_ways(options, 0x0800, options.size(), false));
    Bytes fragment = test::ipv4(kClient, kServer, tcp("x"), 6, 0x2000);
    EXPECT_FALSE(same_both_ways(fragment, 0x0800, fragment.size(), false));
    Bytes udp = test::ipv4(kClient, kServer, Bytes(8, 0), 17);
    EXPECT_FALSE(same_both_ways(udp, 0x0800, udp.size(), false));
    Bytes hop_by_hop{6, 0, 1, 4, 0, 0, 0, 0};
    Bytes extended =
        ipv6(test::with_payload(hop_by_hop, std::string(reinterpret_cast<const char*>(tcp("y").data()), 21)), 0);
    EXPECT_FALSE(same_both_ways(extended, 0x86dd, extended.size(), false));
    Bytes long_claim = ipv6(tcp("z"), 6, 10);  // claims bytes the frame does not hold
    EXPECT_FALSE(same_both_ways(long_claim, 0x86dd, long_claim.size(), true));
}

TEST(PlainFrame, SameAsGeneralPathAtEveryLength) {
    same_at_every_length(test::ipv4(kClient, kServer, tcp("STOR some/file.bin\r\n")), 0x0800);
    same_at_every_length(test::ipv4(kClient, kServer, tcp("x", 15)), 0x0800);
    same_at_every_length(ipv6(tcp("150 Opening\r\n")), 0x86dd);
    Bytes short_total = test::ipv4(kClient, kServer, tcp("abc"));
    short_total[3] = 30;  // total length ends inside the TCP header
    same_at_every_length(short_total, 0x0800);
    Bytes bad_offset = test::ipv4(kClient, kServer, tcp("abc"));
    bad_offset[32] = 0x40;  // data offset below five words
    same_at_every_length(bad_offset, 0x0800);
}

}  // namespace
}  // namespace ftpsniff
