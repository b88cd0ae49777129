#include "ftpsniff/ftp_parse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ftpsniff {
namespace {

TEST(ParseCommand, VerbAndArgument) {
    auto c = parse_command("RETR dir/file name.txt");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->verb, "RETR");
    EXPECT_EQ(c->arg, "dir/file name.txt");
}

TEST(ParseCommand, VerbAloneAndCaseIsKept) {
    auto c = parse_command("quit");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->verb, "quit");
    EXPECT_EQ(upper_verb(c->verb), "QUIT");
    EXPECT_EQ(c->arg, "");
}

TEST(ParseCommand, RejectsWhatIsNoCommand) {
    for (std::string_view line : {"", " USER a", "220 hello", "US3R a", "USER\ta", "\x16\x03\x01"}) {
        EXPECT_FALSE(parse_command(line)) << line;
    }
}

TEST(ParseReplyLine, Forms) {
    auto single = parse_reply_line("220 Ready");
    ASSERT_TRUE(single);
    EXPECT_EQ(single->code, 220);
    EXPECT_EQ(single->separator, ' ');
    EXPECT_EQ(single->text, "Ready");
    auto first = parse_reply_line("211-Features:");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->separator, '-');
    auto bare = parse_reply_line("226");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->text, "");
    for (std::string_view bad : {"99 PASV invalid", "230_no_space", "SYST not supported", "2a0 x", ""}) {
        EXPECT_FALSE(parse_reply_line(bad)) << bad;
    }
}

// One row: the server's lines, and the replies they must group into (each
// reply as its lines joined by '|'); "?" marks a line that is no reply.
struct MultiLineCase {
    const char* name;
    std::vector<std::string> lines;
    std::vector<std::string> expected;
};

class ReplyGrouping : public testing::TestWithParam<MultiLineCase> {};

TEST_P(ReplyGrouping, FollowsRfc959) {
    MemoryBudget budget(1 << 20);
    ReplyAssembler assembler({}, budget);
    std::vector<std::string> got;
    for (const auto& line : GetParam().lines) {
        switch (assembler.feed(line, false)) {
        case ReplyAssembler::Result::reply: {
            Reply r = assembler.take();
            std::string joined;
            for (std::string_view l : r.lines) joined += (joined.empty() ? "" : "|") + std::string(l);
            got.push_back(joined);
            break;
        }
        case ReplyAssembler::Result::not_a_reply: got.push_back("?" + line); break;
        case ReplyAssembler::Result::pending: break;
        }
    }
    if (assembler.abandon()) got.push_back("incomplete:" + std::to_string(assembler.take().lines.size()));
    EXPECT_EQ(got, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc959, ReplyGrouping,
    testing::Values(
        MultiLineCase{"single", {"200 OK"}, {"200 OK"}},
        MultiLineCase{"two singles", {"331 Password", "230 In"}, {"331 Password", "230 In"}},
        MultiLineCase{"rfc example with inner digits",
                      {"123-First line", "Second line", "  234 A line beginning with numbers", "123 The last line"},
                      {"123-First line|Second line|  234 A line beginning with numbers|123 The last line"}},
        MultiLineCase{"inner line with another code and space",
                      {"211-Status", "213 not the end", "211 End"},
                      {"211-Status|213 not the end|211 End"}},
        MultiLineCase{"code-hyphen on every line (vsftpd)",
                      {"220-Welcome", "220-to the server", "220 Ready"},
                      {"220-Welcome|220-to the server|220 Ready"}},
        MultiLineCase{"same code with hyphen does not end it", {"211-A", "211-B", "211 C"}, {"211-A|211-B|211 C"}},
        MultiLineCase{"feat with space-indented lines",
                      {"211-Features:", " EPRT", " EPSV", "211 End"},
                      {"211-Features:| EPRT| EPSV|211 End"}},
        MultiLineCase{"bare code ends it", {"226-Done", "226"}, {"226-Done|226"}},
        MultiLineCase{"end without text but with space", {"250-x", "250 "}, {"250-x|250 "}},
        MultiLineCase{"no terminator", {"230-Banner", "line"}, {"incomplete:2"}},
        MultiLineCase{"junk outside a reply", {"hello", "220 Ready"}, {"?hello", "220 Ready"}},
        MultiLineCase{"preliminary then completion", {"150 Opening", "226 Done"}, {"150 Opening", "226 Done"}}),
    [](const testing::TestParamInfo<MultiLineCase>& param) {
        std::string name;
        for (const char* p = param.param.name; *p; ++p) name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
        return name;
    });

TEST(Reply, TextStripsCodes) {
    Reply r{211, {"211-Features:", " EPSV", "211-x", "211 End"}, true, false};
    EXPECT_EQ(r.text(), "Features:\n EPSV\nx\nEnd");
    Reply single{550, {"550 Failed to open file."}, true, false};
    EXPECT_EQ(single.text(), "Failed to open file.");
}

TEST(ReplyAssembler, LineCapMarksTruncated) {
    MemoryBudget budget(1 << 20);
    ReplyAssembler a({3, 1 << 16}, budget);
    EXPECT_EQ(a.feed("230-a", false), ReplyAssembler::Result::pending);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(a.feed("x", false), ReplyAssembler::Result::pending);
    ASSERT_EQ(a.feed("230 end", false), ReplyAssembler::Result::reply);
    Reply r = a.take();
    EXPECT_EQ(r.lines, (ReplyLines{"230-a", "x", "230 end"}));
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(budget.used(), 0u);  // all given back once the reply is taken
}

TEST(ReplyAssembler, ByteCapAndBudgetKeepFirstAndLastLines) {
    MemoryBudget budget(200);
    ReplyAssembler a({1000, 1 << 16}, budget);
    EXPECT_EQ(a.feed("220-" + std::string(100, 'w'), false), ReplyAssembler::Result::pending);
    EXPECT_EQ(a.feed(std::string(100, 'x'), false), ReplyAssembler::Result::pending);
    EXPECT_TRUE(a.take_refused());
    ASSERT_EQ(a.feed("220 ready", false), ReplyAssembler::Result::reply);
    Reply r = a.take();
    EXPECT_EQ(r.lines.size(), 2u);
    EXPECT_EQ(r.lines.back(), "220 ready");
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(budget.used(), 0u);
}

// A reply's buffers are reused for the next: nothing of the one before may show.
TEST(ReplyAssembler, NextReplyStartsClean) {
    MemoryBudget budget(1 << 20);
    ReplyAssembler a({3, 1 << 16}, budget);
    const std::string long_line(2000, 'y');  // more than is kept for reuse
    for (const std::string& line : {std::string("211-a"), long_line, std::string("x"), std::string("z")}) {
        EXPECT_EQ(a.feed(line, line == "x"), ReplyAssembler::Result::pending);
    }
    ASSERT_EQ(a.feed("211 end", false), ReplyAssembler::Result::reply);
    EXPECT_TRUE(a.take().truncated);
    a.release();
    ASSERT_EQ(a.feed("230-b", false), ReplyAssembler::Result::pending);
    ASSERT_EQ(a.feed("230 ok", false), ReplyAssembler::Result::reply);
    const Reply& r = a.take();
    EXPECT_EQ(r.code, 230);
    EXPECT_EQ(r.lines, (ReplyLines{"230-b", "230 ok"}));
    EXPECT_FALSE(r.truncated);
    EXPECT_TRUE(r.complete);
    // Without release(), the next reply's first line releases the one before.
    ASSERT_EQ(a.feed("200 fine", false), ReplyAssembler::Result::reply);
    EXPECT_EQ(a.take().lines, (ReplyLines{"200 fine"}));
    EXPECT_EQ(budget.used(), 0u);
}

}  // namespace
}  // namespace ftpsniff
