// Reading capture files: every frame comes back as written, in order,
// across the read-ahead ring's chunks, and a file cut mid-record says so.
#include "../support/capture_builder.hpp"
#include "../support/temp_file.hpp"

#include "ftpsniff/capture.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace ftpsniff {
namespace {

using test::TempFile;

// Frame i holds i in its first four bytes and is 60 + i % spread bytes long.
test::PcapWriter numbered(std::uint32_t frames, std::uint32_t spread = 1400) {
    test::PcapWriter w(1);
    for (std::uint32_t i = 0; i < frames; ++i) {
        test::Bytes f(60 + i % spread, static_cast<std::uint8_t>(i));
        for (int k = 0; k < 4; ++k) f[k] = static_cast<std::uint8_t>(i >> (8 * k));
        w.add(f);
    }
    return w;
}

// Large frames fill the read-ahead's chunks by bytes, 60-byte ones by count.
class ReadEveryFrame : public testing::TestWithParam<std::uint32_t> {};

TEST_P(ReadEveryFrame, InOrderAcrossChunks) {
    constexpr std::uint32_t kFrames = 50000;
    const std::uint32_t spread = GetParam();
    TempFile file(numbered(kFrames, spread).bytes());
    PcapReader reader = PcapReader::open_file(file.path());
    RawFrame frame;
    std::uint32_t n = 0;
    Timestamp last{};
    while (reader.read(frame) == ReadResult::frame) {
        ASSERT_EQ(frame.caplen, 60 + n % spread) << n;
        ASSERT_EQ(frame.bytes.size(), frame.caplen);
        std::uint32_t id = 0;
        for (int k = 0; k < 4; ++k) id |= static_cast<std::uint32_t>(frame.bytes[k]) << (8 * k);
        ASSERT_EQ(id, n);
        ASSERT_EQ(frame.bytes.back(), static_cast<std::uint8_t>(n));
        ASSERT_GT(frame.ts, last);
        last = frame.ts;
        ++n;
    }
    EXPECT_EQ(n, kFrames);
    EXPECT_FALSE(reader.cut());
}

INSTANTIATE_TEST_SUITE_P(PcapReader, ReadEveryFrame, testing::Values(1u, 1400u));

TEST(PcapReader, FileCutInsideARecordEndsWithTheFramesBeforeIt) {
    test::Bytes bytes = numbered(30000).bytes();
    bytes.resize(bytes.size() - 10);  // the last record loses its tail
    TempFile file(bytes);
    PcapReader reader = PcapReader::open_file(file.path());
    RawFrame frame;
    std::uint32_t n = 0;
    while (reader.read(frame) == ReadResult::frame) ++n;
    EXPECT_EQ(n, 29999u);
    EXPECT_TRUE(reader.cut());
}

// One frame whose record says 2,000,000 microseconds past second 100.
test::Bytes two_million_microseconds() {
    test::Bytes bytes = numbered(1).bytes();
    const std::uint32_t usec = 2'000'000;
    for (int k = 0; k < 4; ++k) {
        bytes[24 + k] = static_cast<std::uint8_t>(100 >> (8 * k));
        bytes[28 + k] = static_cast<std::uint8_t>(usec >> (8 * k));
    }
    return bytes;
}

TEST(PcapReader, WholeSecondsInTheFractionCarryInAFile) {
    TempFile file(two_million_microseconds());
    PcapReader reader = PcapReader::open_file(file.path());
    RawFrame frame;
    ASSERT_EQ(reader.read(frame), ReadResult::frame);
    EXPECT_EQ(frame.ts, (Timestamp{102, 0}));
}

// Standard input is read by libpcap alone, without the read-ahead.
TEST(PcapReader, WholeSecondsInTheFractionCarryOnStandardInput) {
    TempFile file(two_million_microseconds());
    ASSERT_NE(std::freopen(file.path().c_str(), "rb", stdin), nullptr);
    PcapReader reader = PcapReader::open_file("-");
    RawFrame frame;
    ASSERT_EQ(reader.read(frame), ReadResult::frame);
    EXPECT_EQ(frame.ts, (Timestamp{102, 0}));
}

TEST(PcapReader, StoppingEarlyEndsTheReaderCleanly) {
    TempFile file(numbered(50000).bytes());
    for (int i = 0; i < 20; ++i) {
        PcapReader reader = PcapReader::open_file(file.path());
        RawFrame frame;
        ASSERT_EQ(reader.read(frame), ReadResult::frame);
    }  // each reader is destroyed while its thread still has a file to read
}

}  // namespace
}  // namespace ftpsniff
