#include "ftpsniff/data_channel.hpp"

#include <gtest/gtest.h>

namespace ftpsniff {
namespace {

std::string shown(const DataAddressResult& r) {
    if (!r.address) return "error: " + std::string(address_error_text(r.error));
    std::string ip = r.address->ip ? to_string(*r.address->ip) : "(control)";
    return ip + " " + std::to_string(r.address->port);
}

struct Case {
    std::string_view input;
    std::string_view expected;
};

TEST(DataChannel, PasvReplyFormsSeenInTheWild) {
    for (const Case& c : std::initializer_list<Case>{
             {"Entering Passive Mode (192,168,1,2,19,137).", "192.168.1.2 5001"},                 // vsftpd, proftpd
             {"Entering Passive Mode (192,168,1,2,19,137)", "192.168.1.2 5001"},                  // pure-ftpd
             {"(212,27,40,254,15,161)", "212.27.40.254 4001"},                                    // no text
             {"=10,0,0,1,4,1", "10.0.0.1 1025"},                                                  // DJB's form
             {"Entering Passive Mode. 10,0,0,1,4,1", "10.0.0.1 1025"},                            // RFC 959 figure 3
             {"Entering Passive Mode (10.0.0.1,4,1)", "10.0.0.1 1025"},                           // dots
             {"Entering Passive Mode (1216,256,2,127,127,127)", "error: a number is above 255"},  // curl test237
             {"Entering Passive Mode (10,0,0,1,4)", "error: fewer than six numbers"},
             {"Entering Passive Mode", "error: no numbers in the reply"},
             {"Entering Passive Mode (10,0,0,1,0,0)", "error: port 0"},
         }) {
        EXPECT_EQ(shown(parse_pasv_reply(c.input)), c.expected) << c.input;
    }
}

TEST(DataChannel, EpsvReply) {
    for (const Case& c : std::initializer_list<Case>{
             {"Entering Extended Passive Mode (|||6446|)", "(control) 6446"},
             {"Extended Passive mode OK (|||40001|)", "(control) 40001"},
             {"Entering Extended Passive Mode (!!!6446!)", "(control) 6446"},
             {"Entering Extended Passive Mode (|1|10.0.0.1|6446|)",
              "error: network protocol or address given; they must be empty"},
             {"Entering Extended Passive Mode (|||70000|)", "error: port is not a number from 1 to 65535"},
             {"Entering Extended Passive Mode", "error: no '(' in the reply"},
             {"Entering Extended Passive Mode (|||6446)", "error: not (<d><d><d>port<d>)"},
         }) {
        EXPECT_EQ(shown(parse_epsv_reply(c.input)), c.expected) << c.input;
    }
}

TEST(DataChannel, LongPassiveAndLprt) {
    EXPECT_EQ(shown(parse_lpsv_reply("Entering Long Passive Mode (4,4,10,0,0,1,2,4,1)")), "10.0.0.1 1025");
    EXPECT_EQ(shown(parse_lpsv_reply("Entering Long Passive Mode (6,16,253,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,4,1)")),
              "fd00::1 1025");
    EXPECT_EQ(shown(parse_lpsv_reply("(5,4,10,0,0,1,2,4,1)")), "error: address family is neither 4 nor 6");
    EXPECT_EQ(shown(parse_lprt_arg("4,4,10,0,0,1,2,4,1")), "10.0.0.1 1025");
    EXPECT_EQ(shown(parse_lprt_arg("4,4,10,0,0")), "error: address cut short");
}

TEST(DataChannel, PortArgument) {
    EXPECT_EQ(shown(parse_port_arg("127,0,0,1,156,74")), "127.0.0.1 40010");
    EXPECT_EQ(shown(parse_port_arg("114,115")), "error: fewer than six numbers");  // Zeek's fake-long-commands
    EXPECT_EQ(shown(parse_port_arg("10,0,0,300,1,1")), "error: a number is above 255");
}

TEST(DataChannel, EprtArgument) {
    EXPECT_EQ(shown(parse_eprt_arg("|1|132.235.1.2|6275|")), "132.235.1.2 6275");
    EXPECT_EQ(shown(parse_eprt_arg("|2|1080::8:800:200C:417A|5282|")), "1080::8:800:200c:417a 5282");
    EXPECT_EQ(shown(parse_eprt_arg("|3|1.2.3.4|5282|")), "error: address family is neither 1 (IPv4) nor 2 (IPv6)");
    EXPECT_EQ(shown(parse_eprt_arg("|1|::1|5282|")), "error: address does not match its family");
    EXPECT_EQ(shown(parse_eprt_arg("|1|1.2.3.4|0|")), "error: port is not a number from 1 to 65535");
    EXPECT_EQ(shown(parse_eprt_arg("1.2.3.4")), "error: not <d>af<d>address<d>port<d>");
}

}  // namespace
}  // namespace ftpsniff
