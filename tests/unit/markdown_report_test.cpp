// The Markdown report is pasted into issue trackers: network text outside
// code blocks must render as the text it is, never as links, images, HTML or
// table structure, and a transcript's code block must show each line as the
// text format does.
#include "../support/capture_builder.hpp"
#include "../support/pipeline_output.hpp"

#include "ftpsniff/pipeline.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ftpsniff {
namespace {

using test::Conversation;
using test::PcapWriter;

const Endpoint kClient = test::endpoint("192.0.2.10", 40000);
const Endpoint kServer = test::endpoint("192.0.2.21", 21);

std::string markdown(const PcapWriter& capture) {
    PipelineOptions opts;
    opts.format = Format::markdown;
    return test::pipeline_output(capture, opts);
}

// A session whose client and server send `user` and `reply`.
std::string report_of(std::string_view user, std::string_view reply, std::string_view greeting = "220 ready") {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server(std::string(greeting) + "\r\n"));
    w.add(c.client("USER " + std::string(user) + "\r\n"));
    w.add(c.server(std::string(reply) + "\r\n"));
    return markdown(w);
}

TEST(MarkdownReport, UserNameInTheSessionsTableIsInert) {
    std::string md = report_of("[click](http://x) <img src=y> **bold** a|b `c` ~~s~~ $m$ & \\", "331 ok");
    EXPECT_NE(md.find("| 1 | 192.0.2.10:40000 | 192.0.2.21:21 | `1:zvuYg+drRM7Jms2z1tKfUStGySE=` |  | "
                      "\\[click\\]\\(http\\://x\\) &lt;img src=y&gt; \\*\\*bold\\*\\* a\\|b \\`c\\` "
                      "\\~\\~s\\~\\~ \\$m\\$ &amp; \\\\ | "),
              std::string::npos)
        << md;
}

// The version comes from the greeting: the server chose its text.
TEST(MarkdownReport, SoftwareVersionInTheSessionsTableIsInert) {
    std::string md = report_of("x", "331 ok", "220 (vsFTPd 3.0.3|<b>[a](http://x))");
    EXPECT_NE(md.find("` | vsftpd 3\\.0\\.3\\|&lt;b&gt;\\[a\\]\\(http\\://x\\) | x |"), std::string::npos) << md;
}

TEST(MarkdownReport, TranscriptLinesAreAsInTheTextFormat) {
    std::string md = report_of("a|b`c\\d", "229 Entering Extended Passive Mode (|||30019|)");
    EXPECT_NE(md.find("> USER a|b`c\\d\n"), std::string::npos) << md;
    EXPECT_NE(md.find("< 229 Entering Extended Passive Mode (|||30019|)\n"), std::string::npos) << md;
    EXPECT_NE(md.find("\n```text\n"), std::string::npos) << md;
}

TEST(MarkdownReport, CodeFenceIsLongerThanAnyRunOfBackticksInIt) {
    std::string md = report_of("x", "331 ````` and ``` and ````");
    EXPECT_NE(md.find("\n``````text\n"), std::string::npos) << md;
    EXPECT_NE(md.find("< 331 ````` and ``` and ````\n``````\n"), std::string::npos) << md;
    EXPECT_EQ(md.find("\n```text\n"), std::string::npos) << md;
}

}  // namespace
}  // namespace ftpsniff

namespace ftpsniff {
namespace {

// What the report holds is bounded: lines only for sessions that can still
// be among the 20 transcripts, rows for the first 1000 sessions and those
// with transcripts. The sessions shown do not change.
TEST(MarkdownReport, ManySessionsKeepTheSameTranscriptsAndABoundedTable) {
    PcapWriter w(1);
    for (std::uint16_t i = 1; i <= 1100; ++i) {
        Conversation c(test::endpoint("192.0.2.10", static_cast<std::uint16_t>(20000 + i)), kServer);
        w.add(c.handshake());
        w.add(c.server("220 ready\r\n"));
        w.add(c.client("USER u" + std::to_string(i) + "\r\n"));
        w.add(c.server(i == 1050 ? "530 no such user\r\n" : "331 password please\r\n"));
        w.add(c.close());
    }
    std::string md = markdown(w);
    EXPECT_NE(md.find("### Session 1050:"), std::string::npos);
    EXPECT_NE(md.find("### Session 19:"), std::string::npos);
    EXPECT_EQ(md.find("### Session 20:"), std::string::npos);
    EXPECT_NE(md.find("| 1000 | 192.0.2.10:21000 |"), std::string::npos);
    EXPECT_NE(md.find("| 1050 | 192.0.2.10:21050 |"), std::string::npos);
    EXPECT_EQ(md.find("| 1001 | "), std::string::npos);
    EXPECT_NE(md.find("(99 more sessions not in this table.)"), std::string::npos);
    EXPECT_NE(md.find("(1080 more sessions without transcripts.)"), std::string::npos);
}

}  // namespace
}  // namespace ftpsniff
