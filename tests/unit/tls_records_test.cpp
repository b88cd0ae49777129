#include "ftpsniff/tls_records.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ftpsniff {
namespace {

// A record of `type` with `length` body bytes.
std::vector<std::uint8_t> record(std::uint8_t type, std::uint16_t length) {
    std::vector<std::uint8_t> r(5U + length, 0xab);
    r[0] = type;
    r[1] = 3;
    r[2] = 3;
    r[3] = static_cast<std::uint8_t>(length >> 8);
    r[4] = static_cast<std::uint8_t>(length & 0xff);
    return r;
}

TEST(TlsRecords, CountsRecordsSplitAnywhere) {
    std::vector<std::uint8_t> stream = record(22, 300);  // a ClientHello
    auto alert = record(21, 2);
    stream.insert(stream.end(), alert.begin(), alert.end());
    // Fed one byte at a time, headers and bodies cross every boundary.
    TlsRecords r;
    for (std::uint8_t b : stream) r.feed(std::span<const std::uint8_t>(&b, 1));
    EXPECT_EQ(r.records(), 2U);
    EXPECT_EQ(r.alerts(), 1U);
    EXPECT_TRUE(r.readable());
}

TEST(TlsRecords, AnAlertAfterEncryptionBeganIsNoAlertInTheClear) {
    TlsRecords r;
    r.feed(record(22, 300));
    r.feed(record(20, 1));   // change_cipher_spec
    r.feed(record(21, 26));  // an encrypted close_notify
    EXPECT_EQ(r.records(), 3U);
    EXPECT_EQ(r.alerts(), 0U);
}

TEST(TlsRecords, BytesThatAreNoRecordStopTheCount) {
    TlsRecords r;
    auto hello = record(22, 10);
    r.feed(hello);
    const std::string plain = "500 OOPS: error\r\n";  // vsftpd writes its error in the clear
    r.feed(std::span(reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size()));
    r.feed(record(23, 40));
    EXPECT_EQ(r.records(), 1U);
    EXPECT_FALSE(r.readable());
}

TEST(TlsRecords, ALostStretchStopsTheCount) {
    TlsRecords r;
    r.feed(record(22, 10));
    r.lose();
    r.feed(record(23, 10));
    EXPECT_EQ(r.records(), 1U);
    EXPECT_FALSE(r.readable());
}

}  // namespace
}  // namespace ftpsniff
