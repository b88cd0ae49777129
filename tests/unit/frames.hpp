// Builds link/IP/TCP frames byte by byte for decoder tests.
#pragma once

#include "ftpsniff/capture.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace ftpsniff::test {

using Bytes = std::vector<std::uint8_t>;

inline void put16(Bytes& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}

inline void put32(Bytes& b, std::uint32_t v) {
    put16(b, static_cast<std::uint16_t>(v >> 16));
    put16(b, static_cast<std::uint16_t>(v));
}

inline Bytes tcp_header(std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, std::uint32_t ack,
                        std::uint8_t flags, std::uint8_t data_offset_words = 5) {
    Bytes b;
    put16(b, sport);
    put16(b, dport);
    put32(b, seq);
    put32(b, ack);
    b.push_back(static_cast<std::uint8_t>(data_offset_words << 4));
    b.push_back(flags);
    put16(b, 65535);                                                   // window
    put16(b, 0);                                                       // checksum (not verified)
    put16(b, 0);                                                       // urgent pointer
    for (int i = 5; i < data_offset_words; ++i) put32(b, 0x01010101);  // NOP options
    return b;
}

inline Bytes ipv4(const std::array<std::uint8_t, 4>& src, const std::array<std::uint8_t, 4>& dst, const Bytes& l4,
                  std::uint8_t proto = 6, std::uint16_t frag = 0x4000) {
    Bytes b{0x45, 0};
    put16(b, static_cast<std::uint16_t>(20 + l4.size()));
    put16(b, 0x1234);
    put16(b, frag);
    b.push_back(64);
    b.push_back(proto);
    put16(b, 0);
    b.insert(b.end(), src.begin(), src.end());
    b.insert(b.end(), dst.begin(), dst.end());
    b.insert(b.end(), l4.begin(), l4.end());
    return b;
}

inline Bytes ethernet(std::uint16_t ethertype, const Bytes& payload) {
    Bytes b(12, 0);
    put16(b, ethertype);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

inline Bytes with_payload(Bytes header, std::string_view payload) {
    header.insert(header.end(), payload.begin(), payload.end());
    return header;
}

inline RawFrame frame(int linktype, const Bytes& bytes) {
    RawFrame f;
    f.linktype = linktype;
    f.caplen = static_cast<std::uint32_t>(bytes.size());
    f.wirelen = f.caplen;
    f.bytes = bytes;
    return f;
}

}  // namespace ftpsniff::test
