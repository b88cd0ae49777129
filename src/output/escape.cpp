#include "ftpsniff/escape.hpp"

#include "ftpsniff/copy_bytes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace ftpsniff {

namespace {

constexpr char kHex[] = "0123456789abcdef";

char* put(char* out, std::string_view s) { return copy_bytes(out, s.data(), s.size()); }

char* put_hex(char* out, unsigned char b) {
    *out++ = kHex[b >> 4];
    *out++ = kHex[b & 0xf];
    return out;
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

// The code point of `seq`, one valid sequence as utf8_sequence measures it.
char32_t code_point(std::string_view seq) {
    auto b = [&](std::size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(seq[i])); };
    if (seq.size() == 2) return (b(0) & 0x1f) << 6 | (b(1) & 0x3f);
    if (seq.size() == 3) return (b(0) & 0x0f) << 12 | (b(1) & 0x3f) << 6 | (b(2) & 0x3f);
    return (b(0) & 0x07) << 18 | (b(1) & 0x3f) << 12 | (b(2) & 0x3f) << 6 | (b(3) & 0x3f);
}

// Characters that make a line read otherwise than its bytes ("Trojan
// Source"): the bidirectional controls (U+061C, U+200E-U+200F,
// U+202A-U+202E, U+2066-U+2069), the zero-width U+200B-U+200D and the
// line and paragraph separators U+2028-U+2029.
bool hides_text(char32_t c) {
    return c == 0x061c || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// Whether any of the eight bytes in `w` is one escape_with stops at: below
// 0x20, above 0x7e, a backslash, or the byte repeated in `quotes`. Each
// test is exact for "some byte is", though not for which one.
bool stops_in(std::uint64_t w, std::uint64_t quotes) {
    auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
    std::uint64_t below = (w - kOnes * 0x20) & ~w & kHighs;
    std::uint64_t above = ((w + kOnes * (0x7f - 0x7e)) | w) & kHighs;
    return (below | above | has_zero(w ^ (kOnes * '\\')) | has_zero(w ^ quotes)) != 0;
}

// Printable ASCII other than the backslash passes through; runs of it are
// found eight bytes at a time and copied whole, which is most of any text.
// `quote` is escaped too when set; `hidden` writes a character hides_text
// names. `out` has room for kEscapedMax bytes per byte of `in`.
template <class Control, class Hidden>
char* escape_with(char* out, std::string_view in, char quote, Control&& control, Hidden&& hidden) {
    std::uint64_t quotes = kOnes * static_cast<unsigned char>(quote);  // 0 stands for NUL, which stops anyway
    for (std::size_t i = 0; i < in.size();) {
        std::size_t run = i;
        for (std::uint64_t w = 0; run + 8 <= in.size(); run += 8) {
            std::memcpy(&w, in.data() + run, 8);
            if (stops_in(w, quotes)) break;
        }
        if (std::size_t left = in.size() - run; left < 8) {
            // The tail, padded with a byte that never stops: short strings
            // are most strings.
            std::uint64_t w = kOnes * 'a';
            copy_bytes(reinterpret_cast<unsigned char*>(&w), in.data() + run, left);
            if (!stops_in(w, quotes)) run = in.size();
        }
        while (run < in.size()) {
            auto c = static_cast<unsigned char>(in[run]);
            if (c < 0x20 || c >= 0x7f || c == '\\' || c == static_cast<unsigned char>(quote)) break;
            ++run;
        }
        out = put(out, in.substr(i, run - i));
        if (run == in.size()) break;
        i = run;
        auto c = static_cast<unsigned char>(in[i]);
        if (c == '\\' && quote == 0) {
            // Doubled only where it could be read as the start of an escape:
            // before a backslash, an 'x', or a byte that is escaped.
            *out++ = '\\';
            if (i + 1 < in.size()) {
                auto next = static_cast<unsigned char>(in[i + 1]);
                if (next == '\\' || next == 'x' || next < 0x20 || next >= 0x7f) *out++ = '\\';
            }
            ++i;
            continue;
        }
        if (c == '\\' || (c == static_cast<unsigned char>(quote) && quote != 0)) {
            *out++ = '\\';
            *out++ = static_cast<char>(c);
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (std::size_t n = utf8_sequence(in.substr(i)); n > 0) {
                std::string_view seq = in.substr(i, n);
                char32_t cp = code_point(seq);
                out = hides_text(cp) ? hidden(out, seq, cp) : put(out, seq);
                i += n;
                continue;
            }
        }
        out = control(out, c);
        ++i;
    }
    return out;
}

char* terminal_control(char* out, unsigned char c) { return put_hex(put(out, "\\x"), c); }

// Its bytes, as \xNN each: what the terminal shows for other unprintable bytes.
char* terminal_hidden(char* out, std::string_view seq, char32_t) {
    for (char c : seq) out = terminal_control(out, static_cast<unsigned char>(c));
    return out;
}

char* json_control(char* out, unsigned char c) {
    switch (c) {
    case '\n': return put(out, "\\n");
    case '\r': return put(out, "\\r");
    case '\t': return put(out, "\\t");
    default:
        if (c < 0x20 || c == 0x7f) return put_hex(put(out, "\\u00"), c);
        return put_hex(put(out, "\\\\x"), c);  // a JSON string cannot hold a lone byte
    }
}

// \uXXXX: a JSON reader gets the character back, a terminal shows the escape.
char* json_hidden(char* out, std::string_view, char32_t c) {
    out = put_hex(put(out, "\\u"), static_cast<unsigned char>(c >> 8));
    return put_hex(out, static_cast<unsigned char>(c & 0xff));
}

// Escapes into `out`'s end, made long enough for the worst case first.
template <class Escape>
void append_with(std::string& out, std::string_view in, Escape&& escape) {
    std::size_t old = out.size();
    out.resize(old + in.size() * kEscapedMax);
    out.resize(static_cast<std::size_t>(escape(out.data() + old, in) - out.data()));
}

char* escape_to(char* out, std::string_view in) { return escape_with(out, in, 0, terminal_control, terminal_hidden); }

// Backslash-escaped: CommonMark's inline syntax (code, emphasis, links and
// images, a heading's closing '#'), GFM's table cells and strikethrough,
// GitLab's {+ +}, GitHub's and GitLab's $ math, and the ':' and '.' of
// GFM's bare-URL links ("http:", "www."), which would swallow the
// backslashes after them.
constexpr std::string_view kMarkdownPunctuation = "\\`*_{}[]()#!|~$:.";

// Written as "#35;" and so on: the characters Mermaid's sequence diagrams
// act on, and '&', which could begin an entity of HTML's.
constexpr std::string_view kMermaidActive = "#;%<>:&";

}  // namespace

char* json_escape_to(char* out, std::string_view in) { return escape_with(out, in, '"', json_control, json_hidden); }

void append_escaped(std::string& out, std::string_view in) { append_with(out, in, escape_to); }

void append_markdown_escaped(std::string& out, std::string_view in) {
    std::string plain;
    append_escaped(plain, in);
    for (char c : plain) {
        if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else if (c == '&') {
            out += "&amp;";
        } else {
            if (kMarkdownPunctuation.find(c) != std::string_view::npos) out += '\\';
            out += c;
        }
    }
}

void append_mermaid_escaped(std::string& out, std::string_view in) {
    std::string plain;
    append_escaped(plain, in);
    append_mermaid_entities(out, plain);
}

void append_mermaid_entities(std::string& out, std::string_view escaped) {
    for (char c : escaped) {
        if (kMermaidActive.find(c) != std::string_view::npos) {
            fmt::format_to(std::back_inserter(out), "#{};", static_cast<int>(c));
        } else {
            out += c;
        }
    }
}

void ascii_typography(std::string& text) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kAscii = {{
        {"·", "-"},
        {"§", "section "},
        {"…", "..."},
        {"—", "--"},
        {"–", "-"},
        {"“", "\""},
        {"”", "\""},
        {"‘", "'"},
        {"’", "'"},
        {"→", "->"},
    }};
    if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return;
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto* found = std::find_if(kAscii.begin(), kAscii.end(), [&](const auto& r) {
            return std::string_view(text).substr(i).starts_with(r.first);
        });
        if (found != kAscii.end()) {
            out += found->second;
            i += found->first.size();
        } else {
            out += text[i++];
        }
    }
    text = std::move(out);
}

void append_json_escaped(std::string& out, std::string_view in) { append_with(out, in, json_escape_to); }

}  // namespace ftpsniff
