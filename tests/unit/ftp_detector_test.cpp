#include "ftpsniff/ftp_detector.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ftpsniff {
namespace {

// Records what reaches the session the detector makes, if it makes one.
struct Seen {
    std::string bytes;
    bool made = false;
    std::vector<std::uint64_t> frames;  // of each on_data, and of the session's making first
};

class FakeSession : public StreamHandler {
public:
    FakeSession(Seen& seen, const FrameCounter* frames) : seen_(seen), frames_(frames) {
        if (frames_ != nullptr) seen_.frames.push_back(frames_->current());
    }
    void on_data(Direction dir, Timestamp, std::span<const std::uint8_t> b) override {
        if (frames_ != nullptr) seen_.frames.push_back(frames_->current());
        seen_.bytes += dir == Direction::to_server ? "C:" : "S:";
        seen_.bytes.append(b.begin(), b.end());
    }
    void on_gap(Direction, Timestamp, std::uint64_t) override {}
    void on_anomaly(Direction, Timestamp, Anomaly) override {}
    void on_close(Timestamp, CloseReason) override {}

private:
    Seen& seen_;
    const FrameCounter* frames_;
};

class DetectorTest : public testing::Test {
protected:
    void server(std::string_view s) { feed(Direction::to_client, s); }
    void client(std::string_view s) { feed(Direction::to_server, s); }
    void feed(Direction d, std::string_view s) {
        detector.on_data(d, {}, std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    }

    Seen seen;
    FtpDetector detector{[this] {
        seen.made = true;
        return std::make_unique<FakeSession>(seen, nullptr);
    }};
};

TEST_F(DetectorTest, GreetingAndOpeningCommandMakeASessionThatGetsEverything) {
    server("220-Welcome\r\n");
    EXPECT_FALSE(seen.made);
    server("220 ready\r\n");
    client("US");
    client("ER anna\r\n");
    EXPECT_TRUE(seen.made);
    server("331 pw\r\n");
    EXPECT_EQ(seen.bytes, "S:220-Welcome\r\nS:220 ready\r\nC:USC:ER anna\r\nS:331 pw\r\n");
}

// What it held is read as of the frames it came in, the session's start as
// of the connection's first; after it, the counter is where it was.
TEST(Detector, ReplaysEachChunkAsOfItsFrame) {
    FrameCounter frames;
    frames.next();  // 1: the SYN, when the connection is first seen
    Seen seen;
    FtpDetector detector{[&] {
                             seen.made = true;
                             return std::make_unique<FakeSession>(seen, &frames);
                         },
                         &frames};
    auto feed = [&](Direction d, std::string_view s) {
        frames.next();
        detector.on_data(d, {}, std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    };
    feed(Direction::to_client, "220 ready\r\n");  // frame 2
    feed(Direction::to_server, "USER anna\r\n");  // frame 3: the verdict
    feed(Direction::to_client, "331 pw\r\n");     // frame 4
    EXPECT_EQ(seen.frames, (std::vector<std::uint64_t>{1, 2, 3, 4}));
    EXPECT_EQ(frames.current(), 4u);
}

TEST_F(DetectorTest, SmtpIsNotFtp) {
    server("220 mail.example.org ESMTP\r\n");
    client("EHLO client\r\n");
    EXPECT_FALSE(seen.made);
    client("USER x\r\n");  // too late: the verdict stands
    EXPECT_FALSE(seen.made);
}

TEST_F(DetectorTest, OtherGreetingsAreNotFtp) {
    server("+OK POP3 ready\r\n");
    client("USER x\r\n");
    EXPECT_FALSE(seen.made);
}

TEST_F(DetectorTest, MidStreamIsNotJudged) {
    detector.on_gap(Direction::to_client, {}, 0);
    server("220 ready\r\n");
    client("USER x\r\n");
    EXPECT_FALSE(seen.made);
}

TEST_F(DetectorTest, LongFirstLineGivesUp) {
    server(std::string(FtpDetector::kHeldBytes + 1, 'x'));
    client("USER x\r\n");
    EXPECT_FALSE(seen.made);
}

}  // namespace
}  // namespace ftpsniff
