#include "pcap_records.hpp"

#include <pcap/pcap.h>

#include <cstring>

namespace ftpsniff {
namespace {

constexpr std::uint32_t kMicroMagic = 0xa1b2c3d4;
constexpr std::uint32_t kNanoMagic = 0xa1b23c4d;

std::uint32_t load32(const std::uint8_t* p, bool swapped) {
    std::uint32_t v = 0;
    std::memcpy(&v, p, sizeof v);
    return swapped ? __builtin_bswap32(v) : v;
}

std::uint16_t load16(const std::uint8_t* p, bool swapped) {
    std::uint16_t v = 0;
    std::memcpy(&v, p, sizeof v);
    return swapped ? __builtin_bswap16(v) : v;
}

// pcap_post_process: pseudo-headers written in the other byte order are
// swapped, and USB lengths written by old libpcaps are corrected.
bool libpcap_rewrites_frames(int dlt, bool swapped) {
    if (dlt == DLT_USB_LINUX_MMAPPED) return true;
    return swapped && (dlt == DLT_PFLOG || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 || dlt == DLT_USB_LINUX ||
                       dlt == DLT_NFLOG);
}

}  // namespace

std::optional<PcapRecordFormat> in_place_format(std::span<const std::uint8_t, kPcapFileHeaderBytes> header, int dlt) {
    std::uint32_t magic = load32(header.data(), false);
    const bool swapped = magic != kMicroMagic && magic != kNanoMagic;
    if (swapped) magic = __builtin_bswap32(magic);
    if (magic != kMicroMagic && magic != kNanoMagic) return std::nullopt;
    // Older versions may have caplen and len the other way round.
    if (load16(header.data() + 4, swapped) != 2 || load16(header.data() + 6, swapped) != 4) return std::nullopt;
    if (libpcap_rewrites_frames(dlt, swapped)) return std::nullopt;
    return PcapRecordFormat{swapped, magic == kNanoMagic};
}

PcapRecordHeader pcap_record_header(PcapRecordFormat format,
                                    std::span<const std::uint8_t, kPcapRecordHeaderBytes> bytes) {
    const std::uint32_t sec = load32(bytes.data(), format.swapped);
    const std::uint32_t frac = load32(bytes.data() + 4, format.swapped);
    PcapRecordHeader h;
    // libpcap widens seconds and fractions in the host's own order as signed
    // (its struct fields), swapped ones as unsigned (its swap macro), and
    // scales microseconds up in its 64-bit tv_usec.
    auto widen = [&](std::uint32_t v) {
        return format.swapped ? std::int64_t{v} : std::int64_t{static_cast<std::int32_t>(v)};
    };
    h.ts = carry_seconds(widen(sec), format.nano ? widen(frac) : widen(frac) * 1000);
    h.caplen = load32(bytes.data() + 8, format.swapped);
    h.wirelen = load32(bytes.data() + 12, format.swapped);
    return h;
}

Timestamp carry_seconds(std::int64_t sec, std::int64_t nsec) {
    constexpr std::int64_t kNanos = 1'000'000'000;
    std::int64_t carry = nsec / kNanos - (nsec % kNanos < 0 ? 1 : 0);
    return Timestamp{sec + carry, static_cast<std::uint32_t>(nsec - carry * kNanos)};
}

}  // namespace ftpsniff
