#include "ftpsniff/escape.hpp"

#include <gtest/gtest.h>

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
    EXPECT_EQ(text("\xc2\x9b" "31m"), "\\xc2\\x9b31m");  // C1 CSI in UTF-8
    EXPECT_EQ(text("\x9b"), "\\x9b");
}

TEST(Escape, InvalidUtf8AndBackslash) {
    EXPECT_EQ(text("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(text("\xe6\x97"), "\\xe6\\x97");       // cut sequence
    EXPECT_EQ(text("\xc0\xaf"), "\\xc0\\xaf");       // overlong '/'
    EXPECT_EQ(text("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
    EXPECT_EQ(text("C:\\dir"), "C:\\\\dir");
}

TEST(Escape, JsonStringBody) {
    EXPECT_EQ(json("say \"hi\"\\"), "say \\\"hi\\\"\\\\");
    EXPECT_EQ(json("\x1b[31m\r\n\t\x01"), "\\u001b[31m\\r\\n\\t\\u0001");
    EXPECT_EQ(json("\xff"), "\\\\xff");
    EXPECT_EQ(json("日本"), "日本");
}

}  // namespace
}  // namespace ftpsniff
