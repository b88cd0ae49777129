// The frame most captures are made of, decoded with one bounds check:
// Ethernet without VLAN tags, then IPv4 without options or fragmentation or
// IPv6 without extension headers, then TCP, with every byte the IP header
// claims captured. Anything else is left to FrameDecoder's general path,
// which decodes and reports it as before; the result is the same either way.
#pragma once

#include "ftpsniff/decode.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace ftpsniff {

// True when `frame` is such a frame; `out` then holds its segment.
bool decode_plain_frame(const RawFrame& frame, Decoded& out);

// An address from its `Size` bytes, the rest of the 16 zero. Written as two
// words: assigning a fresh IpAddress compiles to a slow `rep stos`.
template <std::size_t Size>
void set_address(IpAddress& ip, const std::uint8_t* bytes) {
    static_assert(Size == 4 || Size == 16);
    std::array<std::uint64_t, 2> words{};
    std::memcpy(words.data(), bytes, Size);
    ip.version = Size == 4 ? 4 : 6;
    std::memcpy(ip.bytes.data(), words.data(), sizeof words);
}

}  // namespace ftpsniff
