// The text transcript's habits that keep it short: --brief explains only
// what needs attention and what was not explained yet, and an anomaly
// repeated in a session is printed once, with a count at its end.
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

std::string transcript(const PcapWriter& capture, bool brief) {
    PipelineOptions opts;
    opts.render.brief = brief;
    return test::pipeline_output(capture, opts);
}

std::size_t count(const std::string& text, std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(TextTranscript, BriefExplainsErrorsAndEachExplanationOnce) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    for (int i = 0; i < 3; ++i) {
        w.add(c.client("NOOP\r\n"));
        w.add(c.server("200 NOOP ok.\r\n"));
        w.add(c.client("RETR missing\r\n"));
        w.add(c.server("550 No such file.\r\n"));
    }
    w.add(c.close());
    const std::string full = transcript(w, false);
    const std::string brief = transcript(w, true);
    EXPECT_EQ(count(full, "Meaning:"), 7u);         // the greeting, 3 x 200, 3 x 550
    EXPECT_EQ(count(brief, "Meaning:"), 5u);        // the greeting, the first 200, every 550
    EXPECT_EQ(count(brief, "< 200 NOOP ok."), 3u);  // every reply line is still there
}

TEST(TextTranscript, ARepeatedAnomalyIsPrintedOnceAndCounted) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    std::string pipelined;
    for (int i = 0; i < 300; ++i) pipelined += "PORT 192,0,2,10,160," + std::to_string(i % 200) + "\r\n";
    w.add(c.client(pipelined));
    w.add(c.close());
    const std::string text = transcript(w, false);
    EXPECT_EQ(count(text, "[pending_commands_cap_hit: too many unanswered commands"), 1u) << text;
    EXPECT_NE(text.find("[pending_commands_cap_hit: "), text.rfind("[pending_commands_cap_hit: "));
    EXPECT_NE(text.find("more times in this session]"), std::string::npos) << text;
    EXPECT_LT(text.find("more times in this session]"), text.find("session #1 ended"));
}

}  // namespace
}  // namespace ftpsniff
