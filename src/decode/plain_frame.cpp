#include "plain_frame.hpp"

namespace ftpsniff {

namespace {

constexpr int kDltEthernet = 1;
constexpr std::size_t kEthernetBytes = 14;
constexpr std::size_t kIpv4Bytes = 20;  // without options
constexpr std::size_t kIpv6Bytes = 40;
constexpr std::size_t kTcpBytes = 20;  // without options
constexpr std::uint8_t kProtoTcp = 6;

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

}  // namespace

bool decode_plain_frame(const RawFrame& frame, Decoded& out) {
    const std::span<const std::uint8_t> bytes = frame.bytes;
    if (frame.linktype != kDltEthernet || bytes.size() < kEthernetBytes + kIpv4Bytes + kTcpBytes) return false;
    const std::uint8_t* ip = bytes.data() + kEthernetBytes;
    const std::uint16_t ethertype = be16(bytes.data() + 12);
    TcpSegment& seg = out.segment;
    std::size_t ip_header = 0;
    std::size_t claimed = 0;  // bytes after the IP header, by the IP header
    if (ethertype == 0x0800) {
        // Version 4, no options; no fragment (MF clear, offset zero); TCP.
        if (ip[0] != 0x45 || (be16(ip + 6) & 0x3fff) != 0 || ip[9] != kProtoTcp) return false;
        const std::size_t total = be16(ip + 2);
        if (total < kIpv4Bytes) return false;
        ip_header = kIpv4Bytes;
        claimed = total - kIpv4Bytes;
        set_address<4>(seg.src.ip, ip + 12);
        set_address<4>(seg.dst.ip, ip + 16);
    } else if (ethertype == 0x86dd) {
        if (bytes.size() < kEthernetBytes + kIpv6Bytes + kTcpBytes || ip[0] >> 4 != 6 || ip[6] != kProtoTcp)
            return false;
        ip_header = kIpv6Bytes;
        claimed = be16(ip + 4);
        set_address<16>(seg.src.ip, ip + 8);
        set_address<16>(seg.dst.ip, ip + 24);
    } else {
        return false;
    }
    // All claimed bytes captured (what follows is Ethernet padding), and the
    // whole TCP header inside them.
    if (claimed > bytes.size() - kEthernetBytes - ip_header) return false;
    const std::uint8_t* tcp = ip + ip_header;
    const std::size_t tcp_header = (tcp[12] >> 4) * 4u;
    if (tcp_header < kTcpBytes || tcp_header > claimed) return false;
    seg.ts = frame.ts;
    seg.src.port = be16(tcp);
    seg.dst.port = be16(tcp + 2);
    seg.seq = be32(tcp + 4);
    seg.ack = be32(tcp + 8);
    seg.flags = tcp[13];
    seg.header = std::span(tcp, tcp_header);
    seg.ip = std::span(ip, ip_header);
    seg.payload = std::span(tcp + tcp_header, claimed - tcp_header);
    seg.missing = 0;
    out.status = DecodeStatus::tcp;
    return true;
}

}  // namespace ftpsniff
