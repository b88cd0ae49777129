#include "byte_cursor.hpp"
#include "ftpsniff/decode.hpp"

#include "ip_defrag.hpp"
#include "plain_frame.hpp"

#include <algorithm>

namespace ftpsniff {

namespace {

// DLT values as libpcap reports them on Linux (LINKTYPE_RAW 101 arrives as 12).
constexpr int kDltNull = 0;
constexpr int kDltEthernet = 1;
constexpr int kDltRaw = 12;
constexpr int kDltRawBsd = 14;
constexpr int kDltLoop = 108;
constexpr int kDltLinuxSll = 113;
constexpr int kDltIpv4 = 228;
constexpr int kDltIpv6 = 229;
constexpr int kDltLinuxSll2 = 276;

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint16_t kEtherQinQ = 0x88a8;
constexpr std::uint16_t kEtherQinQOld = 0x9100;
constexpr std::uint8_t kProtoTcp = 6;
constexpr int kMaxVlanTags = 4;

enum class Network : std::uint8_t { ipv4, ipv6, other };

// Marks `d` as a frame that is not TCP we can follow, and why.
void failed(Decoded& d, DecodeAnomaly a) {
    d.status = DecodeStatus::anomaly;
    d.anomaly = a;
}

Network from_ethertype(std::uint16_t type) {
    if (type == kEtherIpv4) return Network::ipv4;
    if (type == kEtherIpv6) return Network::ipv6;
    return Network::other;
}

// BSD loopback stores the address family in host order of the capturing
// machine, so either byte order may appear; IPv6 has several values.
Network from_bsd_family(std::uint32_t family) {
    if (family == 2) return Network::ipv4;
    if (family == 10 || family == 24 || family == 28 || family == 30) return Network::ipv6;
    return Network::other;
}

Network from_version_nibble(ByteCursor cur) {
    std::uint8_t first = 0;
    if (!cur.u8(first)) return Network::other;
    if (first >> 4 == 4) return Network::ipv4;
    if (first >> 4 == 6) return Network::ipv6;
    return Network::other;
}

// Moves the cursor past the link header; reports the network protocol.
bool skip_link(int linktype, ByteCursor& cur, Network& net) {
    std::uint16_t type = 0;
    switch (linktype) {
    case kDltEthernet:
        if (!cur.skip(12) || !cur.be16(type)) return false;
        for (int tags = 0; (type == kEtherVlan || type == kEtherQinQ || type == kEtherQinQOld); ++tags) {
            if (tags == kMaxVlanTags || !cur.skip(2) || !cur.be16(type)) return false;
        }
        net = from_ethertype(type);
        return true;
    case kDltLinuxSll:
        if (!cur.skip(14) || !cur.be16(type)) return false;
        net = from_ethertype(type);
        return true;
    case kDltLinuxSll2:
        if (!cur.be16(type) || !cur.skip(18)) return false;
        net = from_ethertype(type);
        return true;
    case kDltNull:
    case kDltLoop: {
        std::uint32_t be = 0;
        if (!cur.be32(be)) return false;
        std::uint32_t swapped = __builtin_bswap32(be);
        net = from_bsd_family(be);
        if (net == Network::other) net = from_bsd_family(swapped);
        return true;
    }
    case kDltRaw:
    case kDltRawBsd: net = from_version_nibble(cur); return true;
    case kDltIpv4: net = Network::ipv4; return true;
    case kDltIpv6: net = Network::ipv6; return true;
    default: return false;
    }
}

// Fixes the bounds of the IP payload. `claimed` is what the IP header says;
// fewer captured bytes are a snap-length cut when the frame was cut, and a
// malformed packet otherwise.
bool bound_payload(const RawFrame& frame, ByteCursor& cur, std::size_t claimed, std::span<const std::uint8_t>& out,
                   std::uint32_t& missing, DecodeAnomaly& why) {
    if (claimed <= cur.remaining()) {
        (void)cur.take(claimed, out);  // drops Ethernet padding
        missing = 0;
        return true;
    }
    if (frame.caplen >= frame.wirelen) {
        why = DecodeAnomaly::ip_length_past_caplen;
        return false;
    }
    missing = static_cast<std::uint32_t>(claimed - cur.remaining());
    (void)cur.take(cur.remaining(), out);
    return true;
}

struct IpResult {
    bool ok = false;
    DecodeAnomaly why{};
    bool held = false;  // a fragment of a datagram not yet whole
    bool tcp = false;
    std::span<const std::uint8_t> payload;
    std::uint32_t missing = 0;
};

// A fragment cut by the snap length cannot complete its datagram.
bool fragment_cut(IpResult& r) {
    if (r.missing == 0) return false;
    r.why = DecodeAnomaly::snaplen_cut_payload;
    return true;
}

IpResult decode_ipv4(const RawFrame& frame, ByteCursor cur, TcpSegment& seg, IpDefragmenter& defrag) {
    IpResult r;
    const std::span<const std::uint8_t> start = cur.rest();
    std::uint8_t vihl = 0, proto = 0;
    std::uint16_t total = 0, id = 0, frag = 0;
    std::span<const std::uint8_t> src, dst;
    if (!cur.u8(vihl) || !cur.skip(1) || !cur.be16(total) || !cur.be16(id) || !cur.be16(frag) || !cur.skip(1) ||
        !cur.u8(proto) || !cur.skip(2) || !cur.take(4, src) || !cur.take(4, dst)) {
        r.why = DecodeAnomaly::truncated_ip_header;
        return r;
    }
    if (vihl >> 4 != 4) {
        r.why = DecodeAnomaly::bad_ip_version;
        return r;
    }
    std::size_t ihl = (vihl & 0x0f) * 4u;
    if (ihl < 20 || total < ihl) {
        r.why = DecodeAnomaly::bad_ip_header_length;
        return r;
    }
    if (!cur.skip(ihl - 20)) {
        r.why = DecodeAnomaly::truncated_ip_header;
        return r;
    }
    seg.ip = start.first(ihl);
    set_address<4>(seg.src.ip, src.data());
    set_address<4>(seg.dst.ip, dst.data());
    if (!bound_payload(frame, cur, total - ihl, r.payload, r.missing, r.why)) return r;
    if ((frag & 0x3fff) != 0) {  // MF set or a non-zero offset
        if (fragment_cut(r)) return r;
        FragmentKey key{seg.src.ip, seg.dst.ip, id, proto};
        auto whole = defrag.add(key, frame.ts, (frag & 0x1fffu) * 8u, (frag & 0x2000) != 0, r.payload);
        r.ok = true;
        if (!whole) {
            r.held = true;
            return r;
        }
        r.payload = whole->payload;
    }
    r.ok = true;
    r.tcp = proto == kProtoTcp;
    return r;
}

IpResult decode_ipv6(const RawFrame& frame, ByteCursor cur, TcpSegment& seg, IpDefragmenter& defrag) {
    IpResult r;
    const std::span<const std::uint8_t> start = cur.rest();
    std::uint8_t first = 0, next = 0;
    std::uint16_t plen = 0;
    std::span<const std::uint8_t> src, dst;
    if (!cur.u8(first) || !cur.skip(3) || !cur.be16(plen) || !cur.u8(next) || !cur.skip(1) || !cur.take(16, src) ||
        !cur.take(16, dst)) {
        r.why = DecodeAnomaly::truncated_ip_header;
        return r;
    }
    if (first >> 4 != 6) {
        r.why = DecodeAnomaly::bad_ip_version;
        return r;
    }
    seg.ip = start.first(40);
    set_address<16>(seg.src.ip, src.data());
    set_address<16>(seg.dst.ip, dst.data());
    std::span<const std::uint8_t> body;
    if (!bound_payload(frame, cur, plen, body, r.missing, r.why)) return r;
    ByteCursor ext(body);
    for (;;) {
        std::uint8_t nh = 0, len = 0;
        std::uint16_t frag = 0;
        switch (next) {
        case 0:   // hop-by-hop options
        case 43:  // routing
        case 60:  // destination options
            if (!ext.u8(nh) || !ext.u8(len) || !ext.skip(len * 8u + 6)) {
                r.why = DecodeAnomaly::truncated_ipv6_extension;
                return r;
            }
            next = nh;
            continue;
        case 51:  // authentication header counts 4-byte words, less two
            if (!ext.u8(nh) || !ext.u8(len) || !ext.skip(len * 4u + 6)) {
                r.why = DecodeAnomaly::truncated_ipv6_extension;
                return r;
            }
            next = nh;
            continue;
        case 44: {  // fragment: an atomic fragment (offset 0, no more) is whole
            std::uint32_t id = 0;
            if (!ext.u8(nh) || !ext.skip(1) || !ext.be16(frag) || !ext.be32(id)) {
                r.why = DecodeAnomaly::truncated_ipv6_extension;
                return r;
            }
            next = nh;
            if ((frag & 0xfff9) == 0) continue;
            if (fragment_cut(r)) return r;
            FragmentKey key{seg.src.ip, seg.dst.ip, id, nh};
            auto whole = defrag.add(key, frame.ts, frag & 0xfff8u, (frag & 1) != 0, ext.rest());
            if (!whole) {
                r.ok = true;
                r.held = true;
                return r;
            }
            // Headers after the fragment header belong to the reassembled part.
            ext = ByteCursor(whole->payload);
            continue;
        }
        default: break;
        }
        break;
    }
    r.ok = true;
    r.tcp = next == kProtoTcp;
    r.payload = ext.rest();
    return r;
}

// Fills `out`, which is reused from frame to frame: only the status and
// anomaly are reset, and a tcp result sets every field of the segment.
// Clearing the whole struct per frame cost a tenth of decoding.
void decode_headers(const RawFrame& frame, IpDefragmenter& defrag, Decoded& out) {
    out.status = DecodeStatus::not_tcp;
    out.anomaly = {};
    if (decode_plain_frame(frame, out)) return;
    ByteCursor cur(frame.bytes);
    Network net = Network::other;
    if (!skip_link(frame.linktype, cur, net)) {
        failed(out, DecodeAnomaly::truncated_link_header);
        return;
    }
    if (net == Network::other) return;

    TcpSegment& seg = out.segment;
    IpResult ip = net == Network::ipv4 ? decode_ipv4(frame, cur, seg, defrag) : decode_ipv6(frame, cur, seg, defrag);
    if (!ip.ok) {
        failed(out, ip.why);
        return;
    }
    if (ip.held) {
        out.status = DecodeStatus::fragment_held;
        return;
    }
    if (!ip.tcp) return;

    ByteCursor tcp(ip.payload);
    std::uint8_t offset = 0;
    if (!tcp.be16(seg.src.port) || !tcp.be16(seg.dst.port) || !tcp.be32(seg.seq) || !tcp.be32(seg.ack) ||
        !tcp.u8(offset) || !tcp.u8(seg.flags)) {
        failed(out, DecodeAnomaly::truncated_tcp_header);
        return;
    }
    std::size_t hlen = (offset >> 4) * 4u;
    if (hlen < 20) {
        failed(out, DecodeAnomaly::bad_tcp_data_offset);
        return;
    }
    if (!tcp.skip(hlen - 14)) {
        failed(out, ip.missing > 0 ? DecodeAnomaly::truncated_tcp_header : DecodeAnomaly::bad_tcp_data_offset);
        return;
    }
    seg.ts = frame.ts;
    seg.header = ip.payload.first(hlen);
    seg.payload = tcp.rest();
    seg.missing = ip.missing;
    out.status = DecodeStatus::tcp;
    return;
}

}  // namespace

bool linktype_supported(int linktype) {
    switch (linktype) {
    case kDltNull:
    case kDltEthernet:
    case kDltRaw:
    case kDltRawBsd:
    case kDltLoop:
    case kDltLinuxSll:
    case kDltIpv4:
    case kDltIpv6:
    case kDltLinuxSll2: return true;
    default: return false;
    }
}

FrameDecoder::FrameDecoder(MemoryBudget& budget, AnomalyCounts& anomalies, DefragLimits limits)
    : anomalies_(anomalies), defrag_(std::make_unique<IpDefragmenter>(limits, budget, anomalies)) {}

FrameDecoder::~FrameDecoder() = default;

const Decoded& FrameDecoder::decode(const RawFrame& frame) {
    decode_headers(frame, *defrag_, last_);
    if (last_.status == DecodeStatus::anomaly) anomalies_.add(last_.anomaly);
    return last_;
}

}  // namespace ftpsniff
