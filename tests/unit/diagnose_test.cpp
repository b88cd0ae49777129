#include "ftpsniff/diagnose.hpp"
#include "ftpsniff/command_replies.hpp"
#include "ftpsniff/knowledge.hpp"

#include <gtest/gtest.h>

namespace ftpsniff {
namespace {

const FlowInfo kFlow{
    1, Endpoint{IpAddress{4, {203, 0, 113, 5}}, 50000}, Endpoint{IpAddress{4, {198, 51, 100, 7}}, 21}, true, {}};

std::vector<std::string> ids(const ReplyFacts& facts) {
    std::vector<std::string> out;
    for (const Diagnosis& d : diagnose(facts, CommandReplies::builtin(), DiagnoseOptions{})) out.emplace_back(d.id);
    return out;
}

using Ids = std::vector<std::string>;

TEST(CommandReplies, BuiltinTableMergesRepliesAnyCommandMayGet) {
    const auto& table = CommandReplies::builtin();
    const std::vector<int>* retr = table.replies_of("RETR");
    ASSERT_NE(retr, nullptr);
    EXPECT_TRUE(table.allows(*retr, 150));
    EXPECT_TRUE(table.allows(*retr, 421));  // from the `*` row
    EXPECT_FALSE(table.allows(*retr, 200));
    EXPECT_EQ(table.replies_of("CLNT"), nullptr);  // not listed: not checked
}

TEST(CommandReplies, EveryCodeTheTableNamesHasAKnowledgeEntry) {
    const auto& table = CommandReplies::builtin();
    for (const std::string& verb : table.verbs()) {
        for (int code : *table.replies_of(verb)) {
            EXPECT_NE(KnowledgeBase::builtin().find(code), nullptr) << verb << " " << code;
        }
    }
}

TEST(CommandReplies, ErrorsNameFileAndLine) {
    try {
        CommandReplies::parse("verb\treplies\tsource\nRETR\t150 2x6\tRFC 959\n", "t.tsv");
        FAIL() << "no error";
    } catch (const KnowledgeError& e) {
        EXPECT_STREQ(e.what(), "t.tsv:2: '2x6' is not a reply code");
    }
}

TEST(Diagnose, UnexpectedReply) {
    EXPECT_EQ(ids({227, "EPSV", {}, &kFlow, {}}), Ids{"unexpected_reply"});
    EXPECT_EQ(ids({200, "RETR", {}, &kFlow, {}}), Ids{"unexpected_reply"});
    EXPECT_EQ(ids({229, "EPSV", {}, &kFlow, parse_epsv_reply("(|||5000|)")}), Ids{});
    EXPECT_EQ(ids({200, "CLNT", {}, &kFlow, {}}), Ids{});        // unlisted command
    EXPECT_EQ(ids({220, std::nullopt, {}, &kFlow, {}}), Ids{});  // greeting answers nothing
}

TEST(Diagnose, PassiveAddressBehindNat) {
    auto facts = ReplyFacts{227, "PASV", {}, &kFlow, parse_pasv_reply("Entering Passive Mode (192,168,1,2,19,137).")};
    auto found = diagnose(facts, CommandReplies::builtin(), {});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].id, "pasv_address_mismatch");
    EXPECT_NE(found[0].message.find("192.168.1.2"), std::string::npos);
    EXPECT_NE(found[0].message.find("behind NAT"), std::string::npos);
    EXPECT_EQ(ids({227, "PASV", {}, &kFlow, parse_pasv_reply("(198,51,100,7,19,137)")}), Ids{});
    EXPECT_EQ(ids({227, "PASV", {}, &kFlow, parse_pasv_reply("(1216,256,2,127,127,127)")}), Ids{"bad_data_address"});
}

TEST(Diagnose, ActiveAddress) {
    EXPECT_EQ(ids({200, "PORT", {}, &kFlow, parse_port_arg("10,0,0,5,4,1")}), Ids{"port_address_mismatch"});
    EXPECT_EQ(ids({200, "PORT", {}, &kFlow, parse_port_arg("203,0,113,5,4,1")}), Ids{});
    EXPECT_EQ(ids({200, "EPRT", {}, &kFlow, parse_eprt_arg("|3|x|1|")}), Ids{"bad_data_address"});
}

TEST(Diagnose, DataConnectionLoginTlsAndLatency) {
    EXPECT_EQ(ids({425, "RETR", {}, &kFlow, {}}), Ids{"data_connection_missing"});
    EXPECT_EQ(ids({426, "STOR", {}, &kFlow, {}}), Ids{"data_connection_missing"});
    EXPECT_EQ(ids({426, "ABOR", {}, &kFlow, {}}), Ids{});  // an abort is meant to break it
    EXPECT_EQ(ids({426, "RETR", {}, &kFlow, {}, true}), Ids{});
    EXPECT_EQ(ids({530, "PASS", {}, &kFlow, {}}), Ids{"login_failed"});
    EXPECT_EQ(ids({530, "CWD", {}, &kFlow, {}}), Ids{});
    EXPECT_EQ(ids({234, "AUTH", {}, &kFlow, {}}), Ids{"tls_started"});
    EXPECT_EQ(ids({257, "PWD", 7500.0, &kFlow, {}}), Ids{"slow_reply"});
    EXPECT_EQ(ids({257, "PWD", 4900.0, &kFlow, {}}), Ids{});
    EXPECT_EQ(ids({226, "RETR", 60000.0, &kFlow, {}}), Ids{});  // the transfer took the time
}

}  // namespace
}  // namespace ftpsniff
