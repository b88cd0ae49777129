// Reading capture files: every frame comes back as written, in order,
// across the read-ahead ring's chunks, and a file cut mid-record says so.
#include "../support/capture_builder.hpp"
#include "../support/temp_file.hpp"

#include "ftpsniff/capture.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

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

// Frame i's number, from its first four bytes.
std::uint32_t id_of(const RawFrame& frame) {
    std::uint32_t id = 0;
    for (int k = 0; k < 4; ++k) id |= static_cast<std::uint32_t>(frame.bytes[k]) << (8 * k);
    return id;
}

// Frames numbered `from`, `from + step`, ... below `to` (plus `base`), one
// millisecond apart times `step`, the first `from` milliseconds in.
test::PcapWriter every(std::uint32_t from, std::uint32_t step, std::uint32_t to, int linktype = 1,
                       std::uint32_t base = 0) {
    test::PcapWriter w(linktype);
    w.pause(1000ULL * from);
    for (std::uint32_t i = from; i < to; i += step) {
        const std::uint32_t id = base + i;
        test::Bytes f(60 + id % 1400, static_cast<std::uint8_t>(id));
        for (int k = 0; k < 4; ++k) f[k] = static_cast<std::uint8_t>(id >> (8 * k));
        w.add(f);
        w.pause(1000ULL * (step - 1));
    }
    return w;
}

// Three files whose frames interleave, read across many read-ahead chunks
// each: every frame comes once, in time order, with its own bytes.
TEST(PcapReader, SeveralFilesAreMergedByTime) {
    constexpr std::uint32_t kFrames = 60000;
    TempFile a(every(0, 3, kFrames).bytes());
    TempFile b(every(1, 3, kFrames).bytes());
    TempFile c(every(2, 3, kFrames).bytes());
    PcapReader reader = PcapReader::open_files({c.path(), a.path(), b.path()}, "");
    RawFrame frame;
    std::uint32_t n = 0;
    while (reader.read(frame) == ReadResult::frame) {
        ASSERT_EQ(id_of(frame), n);
        ASSERT_EQ(frame.caplen, 60 + n % 1400);
        ASSERT_EQ(frame.bytes.back(), static_cast<std::uint8_t>(n));
        ASSERT_EQ(frame.skipped, 0u);
        ++n;
    }
    EXPECT_EQ(n, kFrames);
    EXPECT_FALSE(reader.cut());
    EXPECT_EQ(reader.source(), c.path() + ", " + a.path() + ", " + b.path());
}

// Past four files, each is read by libpcap alone: the same frames, in the same order.
TEST(PcapReader, ManyFilesAreMergedWithoutReadingAhead) {
    constexpr std::uint32_t kFiles = 7;
    constexpr std::uint32_t kFrames = 7000;
    std::vector<std::unique_ptr<TempFile>> files;
    std::vector<std::string> paths;
    for (std::uint32_t i = 0; i < kFiles; ++i) {
        files.push_back(std::make_unique<TempFile>(every(i, kFiles, kFrames).bytes()));
        paths.push_back(files.back()->path());
    }
    PcapReader reader = PcapReader::open_files(paths, "");
    RawFrame frame;
    std::uint32_t n = 0;
    while (reader.read(frame) == ReadResult::frame) {
        ASSERT_EQ(id_of(frame), n);
        ASSERT_EQ(frame.bytes.back(), static_cast<std::uint8_t>(n));
        ++n;
    }
    EXPECT_EQ(n, kFrames);
}

// Frames of the same time come as mergecap writes them: the file given last first.
TEST(PcapReader, ATieGoesAsMergecapOrdersIt) {
    TempFile low(every(0, 1, 3).bytes());
    TempFile high(every(0, 1, 3, 1, 100).bytes());  // frames 100, 101, 102 at the same times
    auto ids_of = [](PcapReader reader) {
        std::vector<std::uint32_t> ids;
        RawFrame frame;
        while (reader.read(frame) == ReadResult::frame) ids.push_back(id_of(frame));
        return ids;
    };
    EXPECT_EQ(ids_of(PcapReader::open_files({low.path(), high.path()}, "")),
              (std::vector<std::uint32_t>{100, 0, 101, 1, 102, 2}));
    EXPECT_EQ(ids_of(PcapReader::open_files({high.path(), low.path()}, "")),
              (std::vector<std::uint32_t>{0, 100, 1, 101, 2, 102}));
}

// A cut file ends early; the others are read to their end, and the cut names its file.
TEST(PcapReader, ACutFileInAMergeIsNamed) {
    test::Bytes cut = every(0, 2, 20000).bytes();
    cut.resize(cut.size() - 10);
    TempFile a(cut);
    TempFile b(every(1, 2, 20000).bytes());
    PcapReader reader = PcapReader::open_files({a.path(), b.path()}, "");
    RawFrame frame;
    std::uint32_t n = 0;
    while (reader.read(frame) == ReadResult::frame) ++n;
    EXPECT_EQ(n, 19999u);
    ASSERT_TRUE(reader.cut());
    EXPECT_TRUE(reader.cut()->starts_with(a.path() + ": ")) << *reader.cut();
}

// A ring's newest file may hold less than its header: the others are read,
// and every file cut short is named.
TEST(PcapReader, EveryCutFileOfAMergeIsNamed) {
    TempFile whole(every(0, 3, 3000).bytes());
    test::Bytes cut = every(1, 3, 3000).bytes();
    cut.resize(cut.size() - 10);
    TempFile cut_in_a_record(cut);
    test::Bytes header = every(2, 3, 3000).bytes();
    header.resize(10);  // a pcap file header is 24 bytes
    TempFile header_only_in_part(header);
    PcapReader reader = PcapReader::open_files({whole.path(), cut_in_a_record.path(), header_only_in_part.path()}, "");
    RawFrame frame;
    std::uint32_t n = 0;
    while (reader.read(frame) == ReadResult::frame) ++n;
    EXPECT_EQ(n, 1000u + 999u);
    ASSERT_TRUE(reader.cut());
    EXPECT_NE(reader.cut()->find(cut_in_a_record.path() + ": "), std::string::npos) << *reader.cut();
    EXPECT_NE(reader.cut()->find(header_only_in_part.path() + ": "), std::string::npos) << *reader.cut();
    // Alone, such a file is no capture at all.
    EXPECT_THROW((void)PcapReader::open_files({header_only_in_part.path()}, ""), CaptureError);
}

TEST(PcapReader, FilesOfDifferentLinkTypesAreRefused) {
    TempFile ethernet(every(0, 1, 2).bytes());
    TempFile raw(every(0, 1, 2, 101).bytes());
    try {
        (void)PcapReader::open_files({ethernet.path(), raw.path()}, "");
        FAIL() << "merged two link types";
    } catch (const CaptureError& e) {
        EXPECT_NE(std::string(e.what()).find("EN10MB"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("RAW"), std::string::npos) << e.what();
    }
}

// A filter leaves frames out and says how many, so each kept frame's number
// is still its place in the capture.
TEST(PcapReader, AFilterKeepsTheFrameNumbers) {
    constexpr std::uint32_t kFrames = 30000;
    TempFile a(every(0, 2, kFrames).bytes());
    TempFile b(every(1, 2, kFrames).bytes());
    PcapReader reader = PcapReader::open_files({a.path(), b.path()}, "greater 1000");
    RawFrame frame;
    std::uint64_t number = 0;
    std::uint32_t kept = 0;
    while (reader.read(frame) == ReadResult::frame) {
        number += frame.skipped + 1;
        ASSERT_GE(frame.wirelen, 1000u);
        ASSERT_EQ(id_of(frame) + 1, number);
        ++kept;
    }
    std::uint32_t expected = 0;
    for (std::uint32_t i = 0; i < kFrames; ++i) expected += 60 + i % 1400 >= 1000 ? 1 : 0;
    EXPECT_EQ(kept, expected);
}

TEST(PcapReader, ABadFilterSaysWhy) {
    TempFile a(every(0, 1, 2).bytes());
    try {
        (void)PcapReader::open_files({a.path()}, "port nine");
        FAIL() << "took a bad filter";
    } catch (const CaptureError& e) {
        EXPECT_TRUE(std::string(e.what()).starts_with("bad filter 'port nine': ")) << e.what();
    }
}

}  // namespace
}  // namespace ftpsniff
