#include "ftpsniff/ftp_detector.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ftpsniff {
namespace {

// Records what reaches the session the detector makes, if it makes one.
struct Seen {
    std::string bytes;
    bool made = false;
};

class FakeSession : public StreamHandler {
public:
    explicit FakeSession(Seen& seen) : seen_(seen) {}
    void on_data(Direction dir, Timestamp, std::span<const std::uint8_t> b) override {
        seen_.bytes += dir == Direction::to_server ? "C:" : "S:";
        seen_.bytes.append(b.begin(), b.end());
    }
    void on_gap(Direction, Timestamp, std::uint64_t) override {}
    void on_anomaly(Direction, Timestamp, Anomaly) override {}
    void on_close(Timestamp, CloseReason) override {}

private:
    Seen& seen_;
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
        return std::make_unique<FakeSession>(seen);
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
