// Classic pcap records read in place: which files ReadAhead may read
// itself, and each 16-byte record header decoded as libpcap 1.10 decodes it
// with nanosecond precision requested, so both readers give the same frames.
#pragma once

#include "ftpsniff/capture.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace ftpsniff {

inline constexpr std::size_t kPcapFileHeaderBytes = 24;
inline constexpr std::size_t kPcapRecordHeaderBytes = 16;

struct PcapRecordFormat {
    bool swapped = false;  // written in the byte order other than this host's
    bool nano = false;     // fractions of a second in nanoseconds, not microseconds
};

struct PcapRecordHeader {
    Timestamp ts;
    std::uint32_t caplen = 0;
    std::uint32_t wirelen = 0;
};

// The record format of a file whose header is `header` and whose link type
// libpcap reports as `dlt`, when libpcap would hand its records over
// untouched: one of the four standard magics, version 2.4, and no link type
// whose frames libpcap rewrites after reading. Nothing otherwise.
std::optional<PcapRecordFormat> in_place_format(std::span<const std::uint8_t, kPcapFileHeaderBytes> header, int dlt);

PcapRecordHeader pcap_record_header(PcapRecordFormat format,
                                    std::span<const std::uint8_t, kPcapRecordHeaderBytes> bytes);

// A record's time with the whole seconds in `nsec` carried into `sec`, so
// the fraction is below one second whatever the record says (a damaged or
// hostile one may say 2,000,000 microseconds; libpcap reads a fraction in
// the host's order as signed, so it may also be below zero).
Timestamp carry_seconds(std::int64_t sec, std::int64_t nsec);

}  // namespace ftpsniff
