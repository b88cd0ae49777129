#include "ftpsniff/community_id.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <span>

namespace ftpsniff {

namespace {

// The flow tuple: seed, two IPv6 addresses, protocol, padding, two ports.
constexpr std::size_t kMostTuple = 2 + 16 + 16 + 1 + 1 + 2 + 2;

// SHA-1 (FIPS 180-4) of a message as short as a flow tuple, which with its
// padding and length fills one 64-byte block.
std::array<std::uint8_t, 20> sha1(std::span<const std::uint8_t> message) {
    static_assert(kMostTuple + 1 + 8 <= 64);
    std::array<std::uint8_t, 64> block{};
    std::copy(message.begin(), message.end(), block.begin());
    block[message.size()] = 0x80;
    const std::uint64_t bits = static_cast<std::uint64_t>(message.size()) * 8;
    for (std::size_t i = 0; i < 8; ++i) block[63 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
    std::array<std::uint32_t, 80> w{};
    for (std::size_t t = 0; t < 16; ++t) {
        const std::uint8_t* p = &block[4 * t];
        w[t] = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
    }
    for (std::size_t t = 16; t < 80; ++t) w[t] = std::rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    std::array<std::uint32_t, 5> h = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    // Plain variables: clang before 16 cannot capture structured bindings in a lambda.
    std::uint32_t a = h[0];
    std::uint32_t b = h[1];
    std::uint32_t c = h[2];
    std::uint32_t d = h[3];
    std::uint32_t e = h[4];
    // Four runs of twenty rounds, each with its own function and constant.
    auto rounds = [&](std::size_t from, std::uint32_t k, auto f) {
        for (std::size_t t = from; t < from + 20; ++t) {
            const std::uint32_t next = std::rotl(a, 5) + f(b, c, d) + e + k + w[t];
            e = d;
            d = c;
            c = std::rotl(b, 30);
            b = a;
            a = next;
        }
    };
    rounds(0, 0x5A827999, [](std::uint32_t x, std::uint32_t y, std::uint32_t z) { return (x & y) | (~x & z); });
    rounds(20, 0x6ED9EBA1, [](std::uint32_t x, std::uint32_t y, std::uint32_t z) { return x ^ y ^ z; });
    rounds(40, 0x8F1BBCDC,
           [](std::uint32_t x, std::uint32_t y, std::uint32_t z) { return (x & y) | (x & z) | (y & z); });
    rounds(60, 0xCA62C1D6, [](std::uint32_t x, std::uint32_t y, std::uint32_t z) { return x ^ y ^ z; });
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    std::array<std::uint8_t, 20> out{};
    for (std::size_t i = 0; i < 20; ++i) out[i] = static_cast<std::uint8_t>(h[i / 4] >> (24 - 8 * (i % 4)));
    return out;
}

std::string base64(std::span<const std::uint8_t> bytes) {
    static constexpr std::string_view kDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t v = std::uint32_t{bytes[i]} << 16;
        if (n > 1) v |= std::uint32_t{bytes[i + 1]} << 8;
        if (n > 2) v |= bytes[i + 2];
        for (std::size_t k = 0; k < 4; ++k) out += k <= n ? kDigits[(v >> (18 - 6 * k)) & 63] : '=';
    }
    return out;
}

// Appends to a fixed buffer, in network byte order.
class Tuple {
public:
    void bytes(std::span<const std::uint8_t> b) {
        std::copy(b.begin(), b.end(), buffer_.begin() + static_cast<std::ptrdiff_t>(size_));
        size_ += b.size();
    }
    void u8(std::uint8_t v) { buffer_[size_++] = v; }
    void u16(std::uint16_t v) {
        u8(static_cast<std::uint8_t>(v >> 8));
        u8(static_cast<std::uint8_t>(v));
    }
    [[nodiscard]] std::span<const std::uint8_t> view() const { return {buffer_.data(), size_}; }

private:
    std::array<std::uint8_t, kMostTuple> buffer_{};
    std::size_t size_ = 0;
};

}  // namespace

std::string community_id(const Endpoint& a, const Endpoint& b, std::uint16_t seed) {
    constexpr std::uint8_t kTcp = 6;
    const bool in_order = a.ip < b.ip || (a.ip == b.ip && a.port < b.port);
    const Endpoint& first = in_order ? a : b;
    const Endpoint& second = in_order ? b : a;
    const std::size_t address_bytes = first.ip.version == 4 ? 4 : 16;
    Tuple tuple;
    tuple.u16(seed);
    tuple.bytes(std::span(first.ip.bytes).first(address_bytes));
    tuple.bytes(std::span(second.ip.bytes).first(address_bytes));
    tuple.u8(kTcp);
    tuple.u8(0);  // padding
    tuple.u16(first.port);
    tuple.u16(second.port);
    return "1:" + base64(sha1(tuple.view()));
}

}  // namespace ftpsniff
