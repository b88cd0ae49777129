// Decode stage: link layer, IPv4/IPv6 and TCP headers of one frame. Produces a
// TcpSegment whose payload points into the frame, or a named anomaly. Nothing
// here allocates.
#pragma once

#include "ftpsniff/capture.hpp"
#include "ftpsniff/decode_anomaly.hpp"
#include "ftpsniff/memory_budget.hpp"

#include <absl/container/flat_hash_map.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>

namespace ftpsniff {

struct IpAddress {
    std::uint8_t version = 4;              // 4 or 6
    std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

    friend bool operator==(const IpAddress&, const IpAddress&) = default;
    friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
    template <class H>
    friend H AbslHashValue(H h, const IpAddress& a) {
        return H::combine(std::move(h), a.version, a.bytes);
    }
};

struct Endpoint {
    IpAddress ip;
    std::uint16_t port = 0;

    friend bool operator==(const Endpoint&, const Endpoint&) = default;
    friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
    template <class H>
    friend H AbslHashValue(H h, const Endpoint& e) {
        return H::combine(std::move(h), e.ip, e.port);
    }
};

// Hash and equality of an address pair in a few word operations: every
// packet of a followed connection looks one up.
struct EndpointPairHash {
    std::size_t operator()(const std::pair<Endpoint, Endpoint>& k) const noexcept;
};
struct EndpointPairEq {
    bool operator()(const std::pair<Endpoint, Endpoint>& a, const std::pair<Endpoint, Endpoint>& b) const noexcept;
};

// The flow tables: open addressing, one probe into a flat array for most
// lookups, keyed by a (client, server) or (opener, listener) pair.
template <class Value>
using EndpointPairMap = absl::flat_hash_map<std::pair<Endpoint, Endpoint>, Value, EndpointPairHash, EndpointPairEq>;

// "192.0.2.1" or RFC 5952 "fd00::1:26".
std::string to_string(const IpAddress& ip);
// "192.0.2.1:21" or "[fd00::1:26]:21".
std::string to_string(const Endpoint& ep);
// The same, appended to `out` (no temporary string on the output path).
void append_to(std::string& out, const IpAddress& ip);
void append_to(std::string& out, const Endpoint& ep);

namespace tcp_flag {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t ack = 0x10;
}  // namespace tcp_flag

struct TcpSegment {
    Timestamp ts;
    Endpoint src;
    Endpoint dst;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0;
    std::span<const std::uint8_t> payload;  // the bytes the capture holds
    std::uint32_t missing = 0;              // payload bytes the snap length cut off
    std::span<const std::uint8_t> header;   // the TCP header, options included
    // The IP header (IPv4 with its options; IPv6's fixed 40 bytes), in the
    // frame; for a reassembled datagram, its last fragment's.
    std::span<const std::uint8_t> ip;
};

// The TCP checksum (RFC 793, with RFC 2460's pseudo-header for IPv6) of a
// segment: `tcp` is the header, its checksum field taken as zero, and payload.
std::uint16_t tcp_checksum(const IpAddress& src, const IpAddress& dst, std::span<const std::uint8_t> tcp);

enum class DecodeStatus : std::uint8_t {
    tcp,            // `segment` is valid
    not_tcp,        // another protocol: skipped
    fragment_held,  // an IP fragment, kept until its datagram is whole
    anomaly         // malformed: skipped, and `anomaly` says why
};

struct Decoded {
    DecodeStatus status = DecodeStatus::not_tcp;
    DecodeAnomaly anomaly{};
    TcpSegment segment;
};

struct DefragLimits {
    std::size_t max_datagrams = 1024;  // incomplete datagrams held at once
    std::int64_t timeout_sec = 30;     // capture time an incomplete datagram may wait
};

// Whether FrameDecoder understands this link type.
bool linktype_supported(int linktype);

class IpDefragmenter;

// Decodes frames one after another. It keeps the IP fragments of datagrams
// not yet whole, and counts every anomaly it meets in `anomalies`.
class FrameDecoder {
public:
    FrameDecoder(MemoryBudget& budget, AnomalyCounts& anomalies, DefragLimits limits = {});
    ~FrameDecoder();
    FrameDecoder(const FrameDecoder&) = delete;
    FrameDecoder& operator=(const FrameDecoder&) = delete;

    // The result, valid until the next call; its segment is filled only
    // when the status is `tcp`. The payload points into `frame`, or for a
    // reassembled datagram into the decoder.
    const Decoded& decode(const RawFrame& frame);

private:
    AnomalyCounts& anomalies_;
    Decoded last_;
    std::unique_ptr<IpDefragmenter> defrag_;
};

}  // namespace ftpsniff
