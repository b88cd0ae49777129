#include "ftpsniff/telnet_filter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ftpsniff {
namespace {

std::string filtered(std::initializer_list<std::string_view> chunks) {
    TelnetFilter f;
    std::string out;
    for (std::string_view c : chunks) {
        f.feed(std::span(reinterpret_cast<const std::uint8_t*>(c.data()), c.size()),
               [&](std::span<const std::uint8_t> piece) { out.append(piece.begin(), piece.end()); });
    }
    return out;
}

TEST(TelnetFilter, PlainTextPassesUnchanged) { EXPECT_EQ(filtered({"RETR a.txt\r\n"}), "RETR a.txt\r\n"); }

TEST(TelnetFilter, InterruptAndSynchBeforeAbor) {
    EXPECT_EQ(filtered({"\xff\xf4\xff\xf2"
                        "ABOR\r\n"}),
              "ABOR\r\n");  // IAC IP IAC DM (RFC 959 §4.1)
}

TEST(TelnetFilter, InterruptIsReportedOnce) {
    TelnetFilter f;
    auto feed = [&](std::string_view c) {
        f.feed(std::span(reinterpret_cast<const std::uint8_t*>(c.data()), c.size()), [](auto) {});
    };
    feed("\xff\xf4");  // IAC IP, alone in its urgent segment
    feed(
        "\xff\xf2"
        "ABOR\r\n");
    EXPECT_TRUE(f.take_interrupt());
    EXPECT_FALSE(f.take_interrupt());
    feed("\xff\xff\xf4 NOOP\r\n");  // IAC IAC is data: the 0xf4 after it is no command
    EXPECT_FALSE(f.take_interrupt());
}

TEST(TelnetFilter, DoubledIacIsOneDataByte) { EXPECT_EQ(filtered({"STOR \xff\xff.txt\r\n"}), "STOR \xff.txt\r\n"); }

TEST(TelnetFilter, NegotiationAndSubnegotiationAreRemoved) {
    EXPECT_EQ(filtered({"\xff\xfb\x01"
                        "220 hi\r\n"}),
              "220 hi\r\n");  // IAC WILL ECHO
    EXPECT_EQ(filtered({"US\xff\xfa\x18\x01\xff\xf0"
                        "ER a\r\n"}),
              "USER a\r\n");  // IAC SB ... IAC SE
}

TEST(TelnetFilter, SequencesSplitAcrossChunks) {
    EXPECT_EQ(filtered({"AB\xff", "\xf4", "OR\xff", "\xff", "\xff", "\xfd", "\x03\r\n"}), "ABOR\xff\r\n");
}

}  // namespace
}  // namespace ftpsniff
