#include "ftpsniff/escape.hpp"

#include "ftpsniff/copy_bytes.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

namespace ftpsniff {
namespace {

std::string text(std::string_view in) {
    std::string out;
    append_escaped(out, in);
    return out;
}

std::string json(std::string_view in) {
    std::string out;
    append_json_escaped(out, in);
    return out;
}

TEST(Escape, PrintableTextIsKept) {
    EXPECT_EQ(text("226 Transfer complete."), "226 Transfer complete.");
    EXPECT_EQ(text("257 \"/dåta/日本\""), "257 \"/dåta/日本\"");
}

TEST(Escape, TerminalControlsNeverPassRaw) {
    EXPECT_EQ(text("\x1b[2J\x1b]0;owned\x07"), "\\x1b[2J\\x1b]0;owned\\x07");
    EXPECT_EQ(text(std::string_view("a\0b\bc\x7f", 6)), "a\\x00b\\x08c\\x7f");
    EXPECT_EQ(text("\xc2\x9b"
                   "31m"),
              "\\xc2\\x9b31m");  // C1 CSI in UTF-8
    EXPECT_EQ(text("\x9b"), "\\x9b");
}

TEST(Escape, InvalidUtf8AndBackslash) {
    EXPECT_EQ(text("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(text("\xe6\x97"), "\\xe6\\x97");           // cut sequence
    EXPECT_EQ(text("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
    EXPECT_EQ(text("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
}

// A backslash is doubled only where it could start an escape, so each
// output reads back one way: "\\" a backslash, "\xNN" a byte, else itself.
TEST(Escape, ABackslashIsDoubledOnlyBeforeWhatCouldBeAnEscape) {
    EXPECT_EQ(text("257 \"\\\" is the current directory"), "257 \"\\\" is the current directory");
    EXPECT_EQ(text("C:\\dir\\"), "C:\\dir\\");
    EXPECT_EQ(text("C:\\xfer"), "C:\\\\xfer");        // not the byte 0xfe and "r"
    EXPECT_EQ(text("a\\\\b"), "a\\\\\\b");            // two backslashes: the first doubled
    EXPECT_EQ(text("a\\\x1b"), "a\\\\\\x1b");         // a backslash, then ESC
    EXPECT_EQ(text("a\\\xc3\xa9"), "a\\\\\xc3\xa9");  // before UTF-8 too, to keep the rule short
}

// The reading the header promises: "\\" a backslash, "\xNN" a byte, else itself.
std::string unescape_text(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '\\' && i + 1 < in.size() && in[i + 1] == '\\') {
            out += '\\';
            ++i;
        } else if (in[i] == '\\' && i + 3 < in.size() && in[i + 1] == 'x') {
            out += static_cast<char>(std::stoi(std::string(in.substr(i + 2, 2)), nullptr, 16));
            i += 3;
        } else {
            out += in[i];
        }
    }
    return out;
}

// Every string of the bytes that could confuse the reading reads back as it was.
TEST(Escape, TextReadsBackOneWay) {
    constexpr std::string_view kAlphabet("\\xa1\x1b\xc3\xa9 ", 7);
    std::mt19937 random(7);
    for (int round = 0; round < 20000; ++round) {
        std::string in(random() % 12, ' ');
        for (char& c : in) c = kAlphabet[random() % kAlphabet.size()];
        ASSERT_EQ(unescape_text(text(in)), in) << text(in);
    }
}

std::string markdown(std::string_view in) {
    std::string out;
    append_markdown_escaped(out, in);
    return out;
}

TEST(Escape, MarkdownSyntaxAndHtmlAreLiteral) {
    EXPECT_EQ(markdown("[click](http://x) ![i](y) <img src=y> **b** _e_ `c` ~~s~~ $m$"),
              "\\[click\\]\\(http\\://x\\) \\!\\[i\\]\\(y\\) &lt;img src=y&gt; \\*\\*b\\*\\* \\_e\\_ \\`c\\` "
              "\\~\\~s\\~\\~ \\$m\\$");
    EXPECT_EQ(markdown("a|b # {+x+} &amp;"), "a\\|b \\# \\{+x+\\} &amp;amp;");
    // Escaped for a terminal first: the backslash of \x1b is itself escaped.
    EXPECT_EQ(markdown("C:\\d \x1b"), "C\\:\\\\d \\\\x1b");
    EXPECT_EQ(markdown("226 Transfer complete, www.x.org"), "226 Transfer complete, www\\.x\\.org");
}

// Valid UTF-8 that makes a line read otherwise than its bytes ("Trojan
// Source"): bidirectional controls, zero-width characters and the line and
// paragraph separators. Text shows their bytes, JSON their code points.
TEST(Escape, BidiAndZeroWidthCharactersAreEscaped) {
    for (char32_t cp : {0x061cU, 0x200bU, 0x200cU, 0x200dU, 0x200eU, 0x200fU, 0x2028U, 0x2029U, 0x202aU, 0x202bU,
                        0x202cU, 0x202dU, 0x202eU, 0x2066U, 0x2067U, 0x2068U, 0x2069U}) {
        std::string utf8 =
            cp < 0x800 ? std::string{static_cast<char>(0xc0 | cp >> 6), static_cast<char>(0x80 | (cp & 0x3f))}
                       : std::string{static_cast<char>(0xe0 | cp >> 12), static_cast<char>(0x80 | (cp >> 6 & 0x3f)),
                                     static_cast<char>(0x80 | (cp & 0x3f))};
        std::string bytes;
        for (char c : utf8) bytes += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        // At every offset of a word and of the tail, as the scan sees them.
        for (std::size_t at = 0; at < 12; ++at) {
            std::string before(at, 'a');
            EXPECT_EQ(text(before + utf8 + "bc"), before + bytes + "bc") << std::hex << static_cast<unsigned>(cp);
            EXPECT_EQ(json(before + utf8 + "bc"), before + fmt::format("\\u{:04x}", static_cast<unsigned>(cp)) + "bc")
                << std::hex << static_cast<unsigned>(cp);
        }
    }
    EXPECT_EQ(markdown("x\u202ey"), "x\\\\xe2\\\\x80\\\\xaey");
    // Their neighbours are ordinary text.
    for (std::string_view kept : {"\u061b", "\u061d", "\u200a", "\u2010", "\u2027", "\u202f", "\u2065", "\u206a"}) {
        EXPECT_EQ(text(kept), kept);
        EXPECT_EQ(json(kept), kept);
    }
}

TEST(Escape, JsonStringBody) {
    EXPECT_EQ(json("say \"hi\"\\"), "say \\\"hi\\\"\\\\");
    EXPECT_EQ(json("\x1b[31m\r\n\t\x01"), "\\u001b[31m\\r\\n\\t\\u0001");
    EXPECT_EQ(json("\xff"), "\\\\xff");
    EXPECT_EQ(json("日本"), "日本");
}

// A single byte escaped as the rules say, written out byte by byte.
std::string lone_byte_json(unsigned char b) {
    switch (b) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: break;
    }
    if (b < 0x20 || b == 0x7f) return fmt::format("\\u{:04x}", b);
    if (b >= 0x80) return fmt::format("\\\\x{:02x}", b);  // never valid UTF-8 alone
    return std::string(1, static_cast<char>(b));
}

std::string lone_byte_text(unsigned char b) {
    if (b == '\\') return "\\";  // nothing after it to be read as an escape
    if (b < 0x20 || b >= 0x7f) return fmt::format("\\x{:02x}", b);
    return std::string(1, static_cast<char>(b));
}

TEST(Escape, EveryByteAloneIsEscapedAsTheRulesSay) {
    for (int b = 0; b < 256; ++b) {
        std::string alone(1, static_cast<char>(b));
        EXPECT_EQ(json(alone), lone_byte_json(static_cast<unsigned char>(b))) << b;
        EXPECT_EQ(text(alone), lone_byte_text(static_cast<unsigned char>(b))) << b;
    }
}

// Text is scanned eight bytes at a time, a short tail as a padded word: a
// byte that must be escaped is found at any offset of either.
TEST(Escape, EveryByteAtEveryOffsetIsEscapedAsAlone) {
    for (std::size_t length : {2u, 5u, 8u, 9u, 16u, 23u, 40u}) {
        for (std::size_t at = 0; at < length; ++at) {
            for (int b = 0; b < 256; ++b) {
                std::string line(length, 'a');
                line[at] = static_cast<char>(b);
                std::string alone(1, static_cast<char>(b));
                std::string before(at, 'a'), after(length - at - 1, 'a');
                ASSERT_EQ(json(line), before + json(alone) + after) << "byte " << b << " at " << at;
                ASSERT_EQ(text(line), before + text(alone) + after) << "byte " << b << " at " << at;
            }
        }
    }
}

TEST(CopyBytes, EveryLengthCopiesThoseBytesAndNoMore) {
    std::string from(64, ' ');
    for (std::size_t i = 0; i < from.size(); ++i) from[i] = static_cast<char>('A' + i % 26);
    for (std::size_t n = 0; n <= 40; ++n) {
        std::string to(64, '.');
        char* end = copy_bytes(to.data() + 3, from.data() + 5, n);
        EXPECT_EQ(end, to.data() + 3 + n);
        EXPECT_EQ(to, std::string(3, '.') + from.substr(5, n) + std::string(61 - n, '.')) << n;
    }
}

}  // namespace
}  // namespace ftpsniff
