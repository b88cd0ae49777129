#include "ftpsniff/secrets.hpp"
#include "ftpsniff/stream_masks.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ftpsniff {
namespace {

bool ftp_verb(std::string_view verb) { return verb == "USER" || verb == "QUIT" || verb == "PASS"; }

std::string masked(std::string_view line, ClientLineContext ctx = {}) {
    ctx.known_verb = ftp_verb;
    auto from = secret_from(line, ctx);
    if (!from) return std::string(line);
    Columns c{*from, line.size()};
    std::string scratch;
    return std::string(mask_columns(line, {&c, 1}, scratch));
}

TEST(Secrets, ClientLines) {
    struct Case {
        std::string_view line;
        ClientLineContext ctx;
        std::string_view shown;
    };
    const ClientLineContext after_331{false, true, nullptr};
    const ClientLineContext fragment{true, false, nullptr};
    const Case cases[] = {
        {"PASS s3cret", {}, "PASS ****"},
        {"pass s3cret", {}, "pass ****"},
        {"PASS  two blanks", {}, "PASS  ****"},
        {" PASS lead", {}, " PASS ****"},
        {"\tPASS lead", {}, "\tPASS ****"},
        {"PASS\ttab", {}, "PASS\t****"},
        {"PASS:colon", {}, "PASS****"},
        {"PASSWORD x", {}, "PASS****"},
        {"PASS", {}, "PASS"},
        {"PASS  ", {}, "PASS  "},
        {"PASV", {}, "PASV"},
        {"USER alice", {}, "USER alice"},
        {"hunter2", {}, "hunter2"},
        {"hunter2", after_331, "****"},
        {"abcd", after_331, "****"},
        {"QUIT", after_331, "QUIT"},
        {"USER bob", after_331, "USER bob"},
        {" USER bob", after_331, "****"},
        {"USER\tbob", after_331, "****"},
        {"RETR x", fragment, "****"},
        {"", fragment, ""},
    };
    for (const Case& c : cases) EXPECT_EQ(masked(c.line, c.ctx), c.shown) << c.line;
}

TEST(Secrets, EchoesInReplies) {
    std::vector<Columns> cols;
    echo_columns("230 ok pw@x, pw@x!", "pw@x", cols);
    EXPECT_EQ(cols, (std::vector<Columns>{{7, 11}, {13, 17}}));
    std::string scratch;
    EXPECT_EQ(mask_columns("230 ok pw@x, pw@x!", cols, scratch), "230 ok ****, ****!");
    cols.clear();
    echo_columns("230 ab ab", "ab", cols);  // too short to look for
    EXPECT_TRUE(cols.empty());
}

std::string written(const StreamMasks& m, std::uint64_t pos, std::string_view bytes, bool doubtful = false) {
    std::vector<std::uint8_t> out;
    m.rewrite(pos, std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), doubtful, out);
    return {out.begin(), out.end()};
}

// "USER a\r\nPASS s3cretpw\r\nPWD\r\n": the secret at [13, 21).
TEST(StreamMasks, MaskHidesTheLengthAndMovesWhatFollows) {
    StreamMasks m;
    m.start(1000);
    m.add(13, 21);
    m.decide_to(28);
    EXPECT_EQ(*m.map(13), 13u);
    EXPECT_EQ(*m.map(14), 17u);  // inside: after the mask
    EXPECT_EQ(*m.map(21), 17u);
    EXPECT_EQ(*m.map(23), 19u);
    EXPECT_EQ(*m.map_seq(1023), 1019u);
    EXPECT_EQ(*m.map_seq(999), 999u);  // the SYN
    // Whole, split at every byte, retransmitted: the same stream.
    const std::string_view stream = "USER a\r\nPASS s3cretpw\r\nPWD\r\n";
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        EXPECT_EQ(written(m, 0, stream.substr(0, cut)) + written(m, cut, stream.substr(cut)),
                  "USER a\r\nPASS ****\r\nPWD\r\n");
    }
    EXPECT_EQ(written(m, 16, "retpw\r\n"), "\r\n");
    EXPECT_EQ(written(m, 8, "PASS s3c", true), "*********");
}

TEST(StreamMasks, OldRangesFoldIntoOneShift) {
    StreamMasks m;
    m.start(0);
    for (std::uint64_t i = 0; i <= StreamMasks::kKept; ++i) m.add(10 * i, 10 * i + 2);  // each +2
    const std::uint64_t last = 10 * StreamMasks::kKept;
    EXPECT_EQ(*m.map(last + 5), last + 5 + 2 * (StreamMasks::kKept + 1));
    EXPECT_FALSE(m.map(3).has_value());  // folded: no longer placed
}

}  // namespace
}  // namespace ftpsniff
