// Classic pcap files that ReadAhead reads in place give what libpcap's own
// pcap_next_ex gives for the same file: the same frames, timestamps and
// lengths in both byte orders and both precisions, across chunk ends, and
// the same frames and error text where libpcap takes over (records it cuts
// or rejects, files cut short). Files libpcap rewrites, other formats and
// pipes stay libpcap's.
#include "../support/capture_builder.hpp"
#include "../support/temp_file.hpp"

#include "ftpsniff/capture.hpp"
#include "pcap_records.hpp"
#include "read_ahead.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace ftpsniff {
namespace {

using test::Bytes;
using test::TempFile;

constexpr std::uint32_t kMicro = 0xa1b2c3d4;
constexpr std::uint32_t kNano = 0xa1b23c4d;
constexpr std::size_t kChunk = 1 << 20;  // ReadAhead's chunk size, where records straddle

// Fields in either byte order.
struct Words {
    bool big = false;
    Bytes bytes;

    void put32(std::uint32_t v) {
        for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<std::uint8_t>(v >> (big ? 24 - 8 * k : 8 * k)));
    }
    void put16(std::uint16_t v) {
        bytes.push_back(static_cast<std::uint8_t>(big ? v >> 8 : v));
        bytes.push_back(static_cast<std::uint8_t>(big ? v : v >> 8));
    }
    void put(const Bytes& raw) { bytes.insert(bytes.end(), raw.begin(), raw.end()); }
};

// A classic pcap file written field by field.
class RawPcap : public Words {
public:
    explicit RawPcap(bool big_endian, std::uint32_t magic = kMicro, std::uint32_t snaplen = 262144,
                     std::uint32_t linktype = 1, std::uint16_t minor = 4) {
        big = big_endian;
        put32(magic);
        put16(2);
        put16(minor);
        put32(0);
        put32(0);
        put32(snaplen);
        put32(linktype);
    }

    // A record whose header says `caplen` and `len`, followed by `stored`
    // bytes of data (caplen unless given).
    void record(std::uint32_t sec, std::uint32_t frac, std::uint32_t caplen, std::uint32_t len,
                std::size_t stored = SIZE_MAX) {
        put32(sec);
        put32(frac);
        put32(caplen);
        put32(len);
        stored = stored == SIZE_MAX ? caplen : stored;
        for (std::size_t k = 0; k < stored; ++k) bytes.push_back(static_cast<std::uint8_t>(bytes.size() * 7 + k));
    }
    void record(std::uint32_t caplen) {
        ++count_;
        record(1'700'000'000 + count_, count_ * 1000, caplen, caplen + 4);
    }
    void header(std::uint32_t sec, std::uint32_t frac, std::uint32_t caplen) {
        put32(sec);
        put32(frac);
        put32(caplen);
        put32(caplen);
    }

    // Records of about `caplen` bytes until the file is `offset` bytes long.
    void fill_to(std::size_t offset, std::uint32_t caplen = 1400) {
        while (offset - bytes.size() >= 32 + caplen) record(caplen);
        record(static_cast<std::uint32_t>(offset - bytes.size() - 16));
    }

private:
    std::uint32_t count_ = 0;
};

struct Seen {
    std::int64_t sec;
    std::uint32_t nsec;
    int linktype;
    std::uint32_t caplen;
    std::uint32_t wirelen;
    Bytes bytes;
};

struct Reading {
    std::vector<Seen> frames;
    std::optional<std::string> cut;
};

using Handle = std::unique_ptr<pcap_t, decltype(&pcap_close)>;

Handle open_nano(const std::string& path) {
    char err[PCAP_ERRBUF_SIZE] = {};
    Handle p(pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err), &pcap_close);
    if (!p) throw std::runtime_error(err);
    return p;
}

// ReadAhead on the handle PcapReader::open_file would give it; `in_place`:
// whether the file's header is one ReadAhead reads in place.
Reading with_read_ahead(const std::string& path, bool& in_place) {
    Reading out;
    Handle p = open_nano(path);
    std::array<std::uint8_t, kPcapFileHeaderBytes> header{};
    std::FILE* file = pcap_file(p.get());
    in_place = pread(fileno(file), header.data(), header.size(), 0) == static_cast<ssize_t>(header.size()) &&
               in_place_format(header, pcap_datalink(p.get())).has_value();
    ReadAhead ahead(p.get());
    RawFrame f;
    while (ahead.next(f)) {
        out.frames.push_back(
            Seen{f.ts.sec, f.ts.nsec, f.linktype, f.caplen, f.wirelen, Bytes(f.bytes.begin(), f.bytes.end())});
    }
    out.cut = ahead.cut();
    return out;
}

// pcap_next_ex on its own, as ftpsniff read every file before, with the
// fraction's whole seconds carried as every reader of ftpsniff's does.
Reading with_libpcap(const std::string& path) {
    Reading out;
    Handle p = open_nano(path);
    pcap_pkthdr* h = nullptr;
    const u_char* d = nullptr;
    int rc = 0;
    while ((rc = pcap_next_ex(p.get(), &h, &d)) == 1) {
        const Timestamp ts = carry_seconds(h->ts.tv_sec, h->ts.tv_usec);
        out.frames.push_back(Seen{ts.sec, ts.nsec, pcap_datalink(p.get()), h->caplen, h->len, Bytes(d, d + h->caplen)});
    }
    if (rc == PCAP_ERROR) out.cut = pcap_geterr(p.get());
    return out;
}

// Reads `bytes` both ways and expects the same; returns ReadAhead's reading.
Reading expect_as_libpcap(const Bytes& bytes, bool in_place = true) {
    TempFile file(bytes);
    bool read_in_place = false;
    Reading ours = with_read_ahead(file.path(), read_in_place);
    Reading theirs = with_libpcap(file.path());
    EXPECT_EQ(read_in_place, in_place);
    EXPECT_EQ(ours.cut, theirs.cut);
    EXPECT_EQ(ours.frames.size(), theirs.frames.size());
    for (std::size_t i = 0; i < std::min(ours.frames.size(), theirs.frames.size()); ++i) {
        const Seen& a = ours.frames[i];
        const Seen& b = theirs.frames[i];
        bool same = a.sec == b.sec && a.nsec == b.nsec && a.linktype == b.linktype && a.caplen == b.caplen &&
                    a.wirelen == b.wirelen && a.bytes == b.bytes;
        if (!same) {
            ADD_FAILURE() << "frame " << i << ": ours " << a.sec << "." << a.nsec << " caplen " << a.caplen << " len "
                          << a.wirelen << ", libpcap's " << b.sec << "." << b.nsec << " caplen " << b.caplen << " len "
                          << b.wirelen << (a.bytes == b.bytes ? "" : ", bytes differ");
            break;
        }
    }
    return ours;
}

TEST(PcapInPlace, OnlyStandardVersion24HeadersAreReadInPlace) {
    auto format = [](bool big, std::uint32_t magic, std::uint16_t minor = 4, int dlt = DLT_EN10MB) {
        RawPcap p(big, magic, 262144, 1, minor);
        return in_place_format(std::span<const std::uint8_t, kPcapFileHeaderBytes>(p.bytes.data(), 24), dlt);
    };
    for (bool big : {false, true}) {
        SCOPED_TRACE(big ? "big-endian" : "little-endian");
        ASSERT_TRUE(format(big, kMicro));
        EXPECT_EQ(format(big, kMicro)->swapped, big != (std::endian::native == std::endian::big));
        EXPECT_FALSE(format(big, kMicro)->nano);
        ASSERT_TRUE(format(big, kNano));
        EXPECT_TRUE(format(big, kNano)->nano);
        EXPECT_FALSE(format(big, 0xa1b2cd34));                        // Kuznetsov's longer record headers
        EXPECT_FALSE(format(big, 0x0a0d0d0a));                        // pcapng
        EXPECT_FALSE(format(big, kMicro, 3));                         // caplen and len may be the other way round
        EXPECT_FALSE(format(big, kMicro, 4, DLT_USB_LINUX_MMAPPED));  // lengths corrected
        EXPECT_EQ(format(big, kMicro, 4, DLT_LINUX_SLL).has_value(), !format(big, kMicro)->swapped);  // CAN ids
    }
}

// Timestamps with the top bit set, fractions out of range, caplen above len
// and empty records, over several chunks.
class SameAsLibpcap : public testing::TestWithParam<std::tuple<bool, std::uint32_t>> {};

TEST_P(SameAsLibpcap, TimestampsLengthsAndBytes) {
    const auto [big, magic] = GetParam();
    RawPcap p(big, magic);
    const std::array<std::uint32_t, 6> secs{0, 1'700'000'000, 0x7fffffff, 0x80000000, 0xfffffffe, 12345};
    const std::array<std::uint32_t, 6> fracs{0, 999'999, 999'999'999, 1'000'000, 0xffffffff, 4'294'968};
    for (std::uint32_t i = 0; i < 9000; ++i) {
        const std::uint32_t caplen = i % 97 == 0 ? 0 : (i * 37) % 1500;
        p.record(secs[i % secs.size()], fracs[i / 6 % fracs.size()], caplen, i % 5 == 0 ? caplen / 2 : caplen + 100);
    }
    ASSERT_GT(p.bytes.size(), 4 * kChunk);  // wraps the ring of four chunks
    Reading r = expect_as_libpcap(p.bytes);
    EXPECT_EQ(r.frames.size(), 9000u);
    EXPECT_FALSE(r.cut);
}

TEST_P(SameAsLibpcap, FileCutInsideARecordHeader) {
    const auto [big, magic] = GetParam();
    RawPcap p(big, magic);
    p.fill_to(2 * kChunk + 5000);
    p.record(700);
    p.bytes.resize(p.bytes.size() - 700 - 9);  // 7 of its 16 header bytes left
    Reading r = expect_as_libpcap(p.bytes);
    EXPECT_EQ(r.cut, "truncated dump file; tried to read 16 header bytes, only got 7");
}

TEST_P(SameAsLibpcap, FileCutInsideRecordData) {
    const auto [big, magic] = GetParam();
    RawPcap p(big, magic);
    p.fill_to(2 * kChunk + 5000);
    p.record(1000);
    p.bytes.resize(p.bytes.size() - 700);
    Reading r = expect_as_libpcap(p.bytes);
    EXPECT_EQ(r.cut, "truncated dump file; tried to read 1000 captured bytes, only got 300");
}

INSTANTIATE_TEST_SUITE_P(PcapInPlace, SameAsLibpcap, testing::Combine(testing::Bool(), testing::Values(kMicro, kNano)),
                         [](const auto& param) {
                             return std::string(std::get<0>(param.param) ? "BigEndian" : "LittleEndian") +
                                    (std::get<1>(param.param) == kNano ? "Nano" : "Micro");
                         });

// Chunks are read from the file offset of their first record: each of these
// records starts just before the end of a chunk's bytes.
TEST(PcapInPlace, RecordsStraddlingChunkEnds) {
    RawPcap p(false);
    std::size_t chunk_start = kPcapFileHeaderBytes;
    p.fill_to(chunk_start + kChunk - 9);
    chunk_start = p.bytes.size();
    p.record(100);  // its header straddles
    p.fill_to(chunk_start + kChunk - 50);
    chunk_start = p.bytes.size();
    p.record(1000);  // its data straddles
    p.fill_to(chunk_start + kChunk - 100'000);
    chunk_start = p.bytes.size();
    p.record(262144);  // the snapshot length, most of it in the next chunk
    p.fill_to(chunk_start + kChunk - 1000);
    p.record(262144);
    p.record(262144);
    Reading r = expect_as_libpcap(p.bytes);
    EXPECT_FALSE(r.cut);
    EXPECT_EQ(r.frames.back().caplen, 262144u);
}

// 16384 records fill a chunk's index before its bytes; the rest of the file
// is already in memory but goes on in the next chunk.
TEST(PcapInPlace, MoreRecordsThanAChunkIndexes) {
    RawPcap p(true, kNano);
    for (int i = 0; i < 16384 * 2 + 5; ++i) p.record(static_cast<std::uint32_t>(i % 3));
    Reading r = expect_as_libpcap(p.bytes);
    EXPECT_EQ(r.frames.size(), 16384u * 2 + 5);
    EXPECT_FALSE(r.cut);
}

TEST(PcapInPlace, RecordOverTheSnapshotIsCutByLibpcap) {
    RawPcap p(false, kMicro, 2000);
    p.fill_to(kChunk + 3000, 1500);
    p.record(3000);  // libpcap keeps 2000 bytes, skips the rest, and reads on
    for (int i = 0; i < 5000; ++i) p.record(1500);
    Reading r = expect_as_libpcap(p.bytes);
    EXPECT_FALSE(r.cut);
    EXPECT_GT(r.frames.size(), 5000u);
    EXPECT_EQ(r.frames[r.frames.size() - 5001].caplen, 2000u);
}

TEST(PcapInPlace, RecordOverLibpcapsMaximumIsAnError) {
    RawPcap p(true, kMicro, 1'000'000);  // a snapshot libpcap keeps, though it rejects records that large
    p.fill_to(kChunk + 3000);
    p.record(300'000);
    p.record(100);
    Reading r = expect_as_libpcap(p.bytes);
    EXPECT_EQ(r.cut, "invalid packet capture length 300000, bigger than maximum of 262144");
}

TEST(PcapInPlace, RecordOverTheSnapshotAtTheEndIsCut) {
    RawPcap p(false, kMicro, 2000);
    p.record(1500);
    p.record(1'700'000'000, 0, 3000, 3000, 2500);
    Reading r = expect_as_libpcap(p.bytes);
    EXPECT_EQ(r.cut, "truncated dump file; tried to read 3000 captured bytes, only got 2500");
}

// Big-endian SocketCAN over Linux cooked capture: libpcap swaps the CAN id.
TEST(PcapInPlace, FramesLibpcapRewritesAreLibpcaps) {
    RawPcap p(true, kMicro, 262144, 113);
    Bytes can(32);
    can[2] = 0x01;  // ARPHRD_CAN
    can[3] = 0x18;
    can[15] = 0x0c;  // protocol: CAN
    can[16] = 0x12;  // the CAN id, as the writer's host had it
    can[17] = 0x34;
    can[18] = 0x56;
    can[19] = 0x78;
    p.header(1, 2, static_cast<std::uint32_t>(can.size()));
    p.put(can);
    Reading r = expect_as_libpcap(p.bytes, false);
    ASSERT_EQ(r.frames.size(), 1u);
    EXPECT_EQ(r.frames[0].bytes[16], 0x78);  // not as written
}

// D-Bus allows 128 MiB records, which libpcap reads; the frame gets a chunk grown for it.
TEST(PcapInPlace, FrameLargerThanAChunkIsLibpcaps) {
    RawPcap p(false, kMicro, 0, 231);
    p.fill_to(100'000);
    p.record(3 << 20);
    for (int i = 0; i < 1000; ++i) p.record(1400);
    Reading r = expect_as_libpcap(p.bytes);
    EXPECT_FALSE(r.cut);
    EXPECT_EQ(r.frames[r.frames.size() - 1001].caplen, 3u << 20);
}

// A fraction of a second or more (a damaged or hostile record) carries into
// the seconds, read in place and read by libpcap (a version 2.3 file), in
// both byte orders and both precisions.
TEST(PcapInPlace, WholeSecondsInTheFractionCarry) {
    struct Case {
        std::uint32_t magic, frac;
        std::int64_t sec;
        std::uint32_t nsec;
    };
    const std::array<Case, 6> cases{{{kMicro, 2'000'000, 102, 0},
                                     {kMicro, 1'999'999, 101, 999'999'000},
                                     {kMicro, 4'294'968, 104, 294'968'000},  // times 1000 passes 32 bits
                                     {kMicro, 999'999, 100, 999'999'000},
                                     {kNano, 1'500'000'000, 101, 500'000'000},
                                     {kNano, 999'999'999, 100, 999'999'999}}};
    for (bool big : {false, true}) {
        for (std::uint16_t minor : {std::uint16_t{4}, std::uint16_t{3}}) {
            for (const Case& c : cases) {
                SCOPED_TRACE(testing::Message() << (big ? "big" : "little") << " 2." << minor << " frac " << c.frac);
                RawPcap p(big, c.magic, 262144, 1, minor);
                p.record(100, c.frac, 60, 60);
                TempFile file(p.bytes);
                bool in_place = false;
                Reading r = with_read_ahead(file.path(), in_place);
                EXPECT_EQ(in_place, minor == 4);
                ASSERT_EQ(r.frames.size(), 1u);
                EXPECT_EQ(r.frames[0].sec, c.sec);
                EXPECT_EQ(r.frames[0].nsec, c.nsec);
            }
        }
    }
}

// Version 2.3 files may have caplen and len the other way round; libpcap guesses.
TEST(PcapInPlace, OlderVersionIsLibpcaps) {
    RawPcap p(false, kMicro, 262144, 1, 3);
    p.record(1, 2, 100, 60, 60);  // written by a libpcap that had them the other way round
    p.record(3, 4, 60, 100);
    Reading r = expect_as_libpcap(p.bytes, false);
    ASSERT_EQ(r.frames.size(), 2u);
    EXPECT_EQ(r.frames[0].caplen, 60u);
    EXPECT_EQ(r.frames[0].wirelen, 100u);
}

TEST(PcapInPlace, NamedPipeIsReadByLibpcap) {
    RawPcap p(false);
    for (int i = 0; i < 3000; ++i) p.record(1000);
    const std::string path = "/tmp/ftpsniff-fifo-" + std::to_string(getpid());
    ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
    bool in_place = true;
    Reading r;
    {
        std::jthread writer([&] {
            std::ofstream(path, std::ios::binary)
                .write(reinterpret_cast<const char*>(p.bytes.data()), static_cast<std::streamsize>(p.bytes.size()));
        });
        r = with_read_ahead(path, in_place);
    }
    std::remove(path.c_str());
    EXPECT_FALSE(in_place);
    EXPECT_EQ(r.frames.size(), 3000u);
    EXPECT_FALSE(r.cut);
}

TEST(PcapInPlace, HeaderOnlyFileHasNoFrames) {
    for (bool big : {false, true}) {
        Reading r = expect_as_libpcap(RawPcap(big).bytes);
        EXPECT_TRUE(r.frames.empty());
        EXPECT_FALSE(r.cut);
    }
}

// Section header, interface description and three enhanced packet blocks.
TEST(PcapInPlace, PcapngIsReadByLibpcap) {
    Words ng;
    for (std::uint32_t v : {0x0a0d0d0au, 28u, 0x1a2b3c4du}) ng.put32(v);
    ng.put16(1);  // version 1.0
    ng.put16(0);
    ng.put32(0xffffffff);  // section length unknown
    ng.put32(0xffffffff);
    ng.put32(28);
    ng.put32(1);
    ng.put32(20);
    ng.put16(1);  // Ethernet
    ng.put16(0);
    ng.put32(0);  // no snapshot length
    ng.put32(20);
    for (std::uint32_t len : {60u, 61u, 1500u}) {
        const std::uint32_t padded = (len + 3) / 4 * 4;
        for (std::uint32_t v : {6u, 32 + padded, 0u, 0x00060000u, len * 1000, len, len}) ng.put32(v);
        ng.put(Bytes(padded, static_cast<std::uint8_t>(len)));
        ng.put32(32 + padded);
    }
    Reading r = expect_as_libpcap(ng.bytes, false);
    EXPECT_EQ(r.frames.size(), 3u);
    EXPECT_FALSE(r.cut);
}

}  // namespace
}  // namespace ftpsniff
