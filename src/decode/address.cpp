#include "ftpsniff/decode.hpp"

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
        if (g[i] != 0) { ++i; continue; }
        int j = i;
        while (j < 8 && g[j] == 0) ++j;
        if (j - i > best_len) { best = i; best_len = j - i; }
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
