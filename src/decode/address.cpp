#include "ftpsniff/decode.hpp"

#include <fmt/format.h>

namespace ftpsniff {

namespace {

// RFC 5952 §4: lower-case hex, no leading zeros, the longest run (first on a
// tie) of two or more zero groups becomes "::".
std::string ipv6_to_string(const std::array<std::uint8_t, 16>& b) {
    std::array<unsigned, 8> g{};
    for (int i = 0; i < 8; ++i) g[i] = static_cast<unsigned>(b[2 * i] << 8 | b[2 * i + 1]);
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (g[i] != 0) { ++i; continue; }
        int j = i;
        while (j < 8 && g[j] == 0) ++j;
        if (j - i > best_len) { best = i; best_len = j - i; }
        i = j;
    }
    if (best_len < 2) best = -1;
    std::string out;
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        out += fmt::format("{:x}", g[i]);
    }
    return out;
}

}  // namespace

namespace {

std::size_t hash_endpoint(const Endpoint& e, std::size_t h) {
    // FNV-1a over the address bytes and port.
    auto mix = [&h](std::uint8_t b) { h = (h ^ b) * 1099511628211ULL; };
    for (std::uint8_t b : e.ip.bytes) mix(b);
    mix(static_cast<std::uint8_t>(e.port));
    mix(static_cast<std::uint8_t>(e.port >> 8));
    return h;
}

}  // namespace

std::size_t EndpointPairHash::operator()(const std::pair<Endpoint, Endpoint>& k) const {
    return hash_endpoint(k.second, hash_endpoint(k.first, 14695981039346656037ULL));
}

std::uint16_t tcp_checksum(const IpAddress& src, const IpAddress& dst, std::span<const std::uint8_t> tcp) {
    std::uint64_t sum = 0;
    auto add = [&sum](std::span<const std::uint8_t> bytes, std::size_t skip_at) {
        for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
            if (i != skip_at) sum += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
        }
        if (bytes.size() % 2 == 1) sum += static_cast<std::uint32_t>(bytes.back() << 8);
    };
    std::size_t alen = src.version == 4 ? 4 : 16;
    add(std::span(src.bytes).first(alen), SIZE_MAX);
    add(std::span(dst.bytes).first(alen), SIZE_MAX);
    sum += 6 + tcp.size();  // protocol and length; the same sum for both pseudo-header layouts
    add(tcp, 16);           // the checksum field counts as zero
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

std::string to_string(const IpAddress& ip) {
    if (ip.version == 4) return fmt::format("{}.{}.{}.{}", ip.bytes[0], ip.bytes[1], ip.bytes[2], ip.bytes[3]);
    return ipv6_to_string(ip.bytes);
}

std::string to_string(const Endpoint& ep) {
    if (ep.ip.version == 4) return fmt::format("{}:{}", to_string(ep.ip), ep.port);
    return fmt::format("[{}]:{}", to_string(ep.ip), ep.port);
}

}  // namespace ftpsniff
