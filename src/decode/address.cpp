#include "ftpsniff/decode.hpp"

#include <cstring>

namespace ftpsniff {

namespace {

// RFC 5952 §4: lower-case hex, no leading zeros, the longest run (first on a
// tie) of two or more zero groups becomes "::".
void append_hex(std::string& out, unsigned group) {
    static constexpr char kHex[] = "0123456789abcdef";
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned nibble = (group >> shift) & 0xf;
        started = started || nibble != 0 || shift == 0;
        if (started) out += kHex[nibble];
    }
}

void append_ipv6(std::string& out, const std::array<std::uint8_t, 16>& b) {
    std::array<unsigned, 8> g{};
    for (int i = 0; i < 8; ++i) g[i] = static_cast<unsigned>(b[2 * i] << 8 | b[2 * i + 1]);
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (g[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && g[j] == 0) ++j;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    if (best_len < 2) best = -1;
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (i > 0 && i != best + best_len) out += ':';
        append_hex(out, g[i]);
    }
}

void append_decimal(std::string& out, unsigned v) {
    char digits[5];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v > 0 && n < 5);
    while (n > 0) out += digits[--n];
}

}  // namespace

namespace {

struct Words {
    std::uint64_t low, high, rest;
};

Words words(const Endpoint& e) {
    Words w{};
    std::memcpy(&w.low, e.ip.bytes.data(), 8);
    std::memcpy(&w.high, e.ip.bytes.data() + 8, 8);
    w.rest = static_cast<std::uint64_t>(e.ip.version) << 16 | e.port;
    return w;
}

}  // namespace

std::size_t EndpointPairHash::operator()(const std::pair<Endpoint, Endpoint>& k) const noexcept {
    // Multiplications by odd constants spread each word over the high bits,
    // and the final steps (from MurmurHash3's finalizer) over the low bits:
    // the table uses both.
    Words a = words(k.first), b = words(k.second);
    std::uint64_t h = a.low * 0x9e3779b97f4a7c15ULL ^ a.high * 0xc2b2ae3d27d4eb4fULL ^ b.low * 0x165667b19e3779f9ULL ^
                      b.high * 0xd6e8feb86659fd93ULL ^ (a.rest << 32 | b.rest) * 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return static_cast<std::size_t>(h);
}

bool EndpointPairEq::operator()(const std::pair<Endpoint, Endpoint>& x,
                                const std::pair<Endpoint, Endpoint>& y) const noexcept {
    Words a = words(x.first), b = words(x.second), c = words(y.first), d = words(y.second);
    return ((a.low ^ c.low) | (a.high ^ c.high) | (a.rest ^ c.rest) | (b.low ^ d.low) | (b.high ^ d.high) |
            (b.rest ^ d.rest)) == 0;
}

void append_to(std::string& out, const IpAddress& ip) {
    if (ip.version != 4) {
        append_ipv6(out, ip.bytes);
        return;
    }
    for (int i = 0; i < 4; ++i) {
        if (i > 0) out += '.';
        append_decimal(out, ip.bytes[i]);
    }
}

void append_to(std::string& out, const Endpoint& ep) {
    if (ep.ip.version != 4) out += '[';
    append_to(out, ep.ip);
    out += ep.ip.version == 4 ? ":" : "]:";
    append_decimal(out, ep.port);
}

std::string to_string(const IpAddress& ip) {
    std::string out;
    append_to(out, ip);
    return out;
}

std::string to_string(const Endpoint& ep) {
    std::string out;
    append_to(out, ep);
    return out;
}

}  // namespace ftpsniff
