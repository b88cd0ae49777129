// fuzz_decode: arbitrary bytes as link-layer frames, through one FrameDecoder.
//
// Input: a selector byte, then frames, each a 2-byte big-endian length and
// that many bytes (the last frame takes what is left).
//   selector bits 0-3  link type: index into kLinkTypes (modulo its size)
//   selector bits 4-6  capture seconds between frames, times 8, so the
//                      defragmenter's 30 s timeout is reached
//   selector bit 7     snap-length cut: wirelen > caplen
// All frames of one input share the decoder, so IP fragments of one
// datagram can arrive in several frames, overlap, conflict and time out.

#include "fuzz_common.hpp"

#include "ftpsniff/decode.hpp"
#include "plain_frame.hpp"

#include <algorithm>
#include <iterator>
#include <vector>

namespace {

constexpr int kLinkTypes[] = {0, 1, 12, 14, 108, 113, 228, 229, 276};

void check(const ftpsniff::Decoded& d, const ftpsniff::RawFrame& frame, bool cut) {
    using namespace ftpsniff;
    switch (d.status) {
    case DecodeStatus::tcp: {
        const TcpSegment& seg = d.segment;
        fuzz::touch(seg.payload);
        // Only a snap-length cut can leave payload bytes missing.
        FUZZ_CHECK(seg.missing == 0 || cut);
        // -w recomputes the checksum over the header and the payload as one
        // run of bytes: they must be adjacent, and the header whole.
        FUZZ_CHECK(seg.header.size() >= 20 && seg.header.size() == (seg.header[12] >> 4) * 4u);
        FUZZ_CHECK(seg.payload.empty() || seg.header.data() + seg.header.size() == seg.payload.data());
        (void)tcp_checksum(seg.src.ip, seg.dst.ip, {seg.header.data(), seg.header.size() + seg.payload.size()});
        // -w rewrites the IP header's length fields: a whole header, before
        // the TCP header (which it is not, after IP reassembly, in the frame).
        FUZZ_CHECK(seg.ip.size() == 40 || (seg.ip.size() >= 20 && seg.ip.size() == (seg.ip[0] & 0x0fu) * 4u));
        bool in_frame = seg.header.data() >= frame.bytes.data() &&
                        seg.header.data() + seg.header.size() <= frame.bytes.data() + frame.bytes.size();
        FUZZ_CHECK(!in_frame ||
                   (seg.ip.data() >= frame.bytes.data() && seg.ip.data() + seg.ip.size() <= seg.header.data()));
        fuzz::touch(to_string(seg.src));
        fuzz::touch(to_string(seg.dst));
        break;
    }
    case DecodeStatus::anomaly:
        FUZZ_CHECK(d.anomaly >= DecodeAnomaly{kAnomaliesAfter<BudgetAnomaly>} && d.anomaly < DecodeAnomaly::count_);
        FUZZ_CHECK(anomaly_name(d.anomaly) != "unknown");
        break;
    case DecodeStatus::not_tcp:
    case DecodeStatus::fragment_held: break;
    }
}

// The plain-frame shortcut against the general path: whatever it takes must
// decode the same behind a Linux cooked header, which it never takes.
void check_shortcut(const ftpsniff::RawFrame& frame) {
    using namespace ftpsniff;
    Decoded quick;
    if (frame.linktype != 1 || !decode_plain_frame(frame, quick)) return;
    std::vector<std::uint8_t> cooked(16, 0);
    cooked[14] = frame.bytes[12];  // the ethertype, where SLL keeps its protocol
    cooked[15] = frame.bytes[13];
    cooked.insert(cooked.end(), frame.bytes.begin() + 14, frame.bytes.end());
    RawFrame other = frame;
    other.linktype = 113;
    other.bytes = cooked;
    other.caplen += 2;
    other.wirelen += 2;
    MemoryBudget budget(1 << 16);
    AnomalyCounts counts;
    FrameDecoder general(budget, counts);
    const Decoded& slow = general.decode(other);
    FUZZ_CHECK(slow.status == DecodeStatus::tcp);
    const TcpSegment& a = quick.segment;
    const TcpSegment& b = slow.segment;
    FUZZ_CHECK(a.ts == b.ts && a.src == b.src && a.dst == b.dst && a.seq == b.seq && a.ack == b.ack);
    FUZZ_CHECK(a.flags == b.flags && a.missing == b.missing);
    FUZZ_CHECK(std::equal(a.header.begin(), a.header.end(), b.header.begin(), b.header.end()));
    FUZZ_CHECK(std::equal(a.ip.begin(), a.ip.end(), b.ip.begin(), b.ip.end()));
    FUZZ_CHECK(std::equal(a.payload.begin(), a.payload.end(), b.payload.begin(), b.payload.end()));
}

}  // namespace

extern "C" int FTPSNIFF_FUZZ_ENTRY(const std::uint8_t* data, std::size_t size) {
    using namespace ftpsniff;
    fuzz::Input in(data, size);
    const std::uint8_t selector = in.u8();
    const int linktype = kLinkTypes[(selector & 0x0f) % std::size(kLinkTypes)];
    const std::int64_t step = ((selector >> 4) & 7) * 8;
    const bool cut = (selector & 0x80) != 0;

    MemoryBudget budget(256 * 1024);  // small enough for fragments to exhaust it
    AnomalyCounts anomalies;
    {
        FrameDecoder decoder(budget, anomalies, DefragLimits{4, 30});
        std::int64_t now = 0;
        while (!in.empty()) {
            auto part = in.take(in.be16());
            // A heap copy of exactly caplen bytes: a read past the frame
            // lands in ASan's redzone instead of in the next frame.
            std::vector<std::uint8_t> bytes(part.begin(), part.end());
            RawFrame frame;
            frame.ts = Timestamp{now, 0};
            frame.linktype = linktype;
            frame.caplen = static_cast<std::uint32_t>(bytes.size());
            frame.wirelen = frame.caplen + (cut ? 100 : 0);
            frame.bytes = bytes;
            check(decoder.decode(frame), frame, cut);
            check_shortcut(frame);
            now += step;
        }
    }
    // Every holder refunds what it charged once it is gone.
    FUZZ_CHECK(budget.used() == 0);
    return 0;
}
