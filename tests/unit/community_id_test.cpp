// The Community ID of a connection: the spec's published example, either
// way round. Every bundled capture's sessions are checked against
// Wireshark's own implementation by cli.community_id.
#include "ftpsniff/community_id.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <string_view>

namespace ftpsniff {
namespace {

Endpoint at(const char* text, std::uint16_t port) {
    Endpoint e;
    const bool v6 = std::string_view(text).find(':') != std::string_view::npos;
    e.ip.version = v6 ? 6 : 4;
    EXPECT_EQ(inet_pton(v6 ? AF_INET6 : AF_INET, text, e.ip.bytes.data()), 1);
    e.port = port;
    return e;
}

// From the README of github.com/corelight/community-id-spec, as Suricata's
// documentation repeats it.
TEST(CommunityId, TheSpecExampleEitherWayRound) {
    const Endpoint client = at("128.232.110.120", 34855);
    const Endpoint server = at("66.35.250.204", 80);
    EXPECT_EQ(community_id(client, server), "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    EXPECT_EQ(community_id(server, client), "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
}

// The same address on both ends is ordered by port; IPv6 hashes 16 bytes.
TEST(CommunityId, OrderAndFamilyChangeTheHash) {
    const Endpoint a = at("127.0.0.1", 49730);
    const Endpoint b = at("127.0.0.1", 21);
    EXPECT_EQ(community_id(a, b), community_id(b, a));
    EXPECT_NE(community_id(a, b), community_id(at("127.0.0.1", 49731), b));
    const Endpoint c = at("2001:db8::1", 40000);
    const Endpoint d = at("2001:db8::2", 21);
    EXPECT_EQ(community_id(c, d), community_id(d, c));
    EXPECT_NE(community_id(c, d), community_id(a, b));
    EXPECT_EQ(community_id(c, d).size(), 30u);             // "1:" and 28 base64 digits
    EXPECT_NE(community_id(a, b, 1), community_id(a, b));  // the seed is hashed
}

}  // namespace
}  // namespace ftpsniff
