#include "ftpsniff/escape.hpp"

#include <cstdint>

namespace ftpsniff {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex_byte(std::string& out, unsigned char b) {
    out += "\\x";
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
}

// Length of a valid UTF-8 sequence at `s` (2-4), or 0. Rejects overlong
// forms, surrogates, code points past U+10FFFF and C1 controls (U+0080-U+009F,
// which some terminals obey as escape sequences).
std::size_t utf8_sequence(std::string_view s) {
    auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    auto cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xc0) == 0x80; };
    unsigned char c = b(0);
    if (c >= 0xc2 && c <= 0xdf) {
        if (!cont(1)) return 0;
        return (c == 0xc2 && b(1) < 0xa0) ? 0 : 2;
    }
    if (c >= 0xe0 && c <= 0xef) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xe0 && b(1) < 0xa0) return 0;
        if (c == 0xed && b(1) >= 0xa0) return 0;
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xf0 && b(1) < 0x90) return 0;
        if (c == 0xf4 && b(1) >= 0x90) return 0;
        return 4;
    }
    return 0;
}

// Printable ASCII other than the backslash passes through; runs of it are
// copied whole, which is most of any text. `quote` is escaped too when set.
template <class Control>
void escape_with(std::string& out, std::string_view in, char quote, Control&& control) {
    out.reserve(out.size() + in.size());
    for (std::size_t i = 0; i < in.size();) {
        std::size_t run = i;
        while (run < in.size()) {
            auto c = static_cast<unsigned char>(in[run]);
            if (c < 0x20 || c >= 0x7f || c == '\\' || c == static_cast<unsigned char>(quote)) break;
            ++run;
        }
        out.append(in.data() + i, run - i);
        if (run == in.size()) break;
        i = run;
        auto c = static_cast<unsigned char>(in[i]);
        if (c == '\\' || (c == static_cast<unsigned char>(quote) && quote != 0)) {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (std::size_t n = utf8_sequence(in.substr(i)); n > 0) {
                out.append(in.substr(i, n));
                i += n;
                continue;
            }
        }
        control(out, c);
        ++i;
    }
}

}  // namespace

void append_escaped(std::string& out, std::string_view in) { escape_with(out, in, 0, append_hex_byte); }

void append_json_escaped(std::string& out, std::string_view in) {
    escape_with(out, in, '"', [](std::string& o, unsigned char c) {
        if (c == '\n') {
            o += "\\n";
        } else if (c == '\r') {
            o += "\\r";
        } else if (c == '\t') {
            o += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            o += "\\u00";
            o += kHex[c >> 4];
            o += kHex[c & 0xf];
        } else {
            o += "\\\\x";  // a JSON string cannot hold a lone byte
            o += kHex[c >> 4];
            o += kHex[c & 0xf];
        }
    });
}

}  // namespace ftpsniff
