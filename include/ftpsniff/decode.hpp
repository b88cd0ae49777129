// Decode stage: link layer, IPv4/IPv6 and TCP headers of one frame. Produces a
// TcpSegment whose payload points into the frame, or a named anomaly. Nothing
// here allocates.
#pragma once

#include "ftpsniff/anomaly.hpp"
#include "ftpsniff/capture.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace ftpsniff {

struct IpAddress {
    std::uint8_t version = 4;                // 4 or 6
    std::array<std::uint8_t, 16> bytes{};    // IPv4 uses the first 4

    friend bool operator==(const IpAddress&, const IpAddress&) = default;
    friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

struct Endpoint {
    IpAddress ip;
    std::uint16_t port = 0;

    friend bool operator==(const Endpoint&, const Endpoint&) = default;
    friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

// "192.0.2.1" or RFC 5952 "fd00::1:26".
std::string to_string(const IpAddress& ip);
// "192.0.2.1:21" or "[fd00::1:26]:21".
std::string to_string(const Endpoint& ep);

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
};

enum class DecodeStatus : std::uint8_t { tcp, not_tcp, anomaly };

struct Decoded {
    DecodeStatus status = DecodeStatus::not_tcp;
    Anomaly anomaly{};  // valid when status == anomaly
    TcpSegment segment; // valid when status == tcp
};

// Whether decode_frame understands this link type.
bool linktype_supported(int linktype);

Decoded decode_frame(const RawFrame& frame);

}  // namespace ftpsniff
