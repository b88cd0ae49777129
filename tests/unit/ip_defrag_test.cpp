#include "ip_defrag.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ftpsniff {
namespace {

constexpr std::uint32_t kSize = 65000;
constexpr std::uint32_t kPiece = 8;

std::vector<std::uint8_t> datagram() {
    std::vector<std::uint8_t> d(kSize);
    for (std::uint32_t i = 0; i < kSize; ++i) d[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
    return d;
}

// Feeds `order` (fragment numbers) and returns the datagram rebuilt, if it was.
std::optional<std::vector<std::uint8_t>> rebuild(IpDefragmenter& defrag, const std::vector<std::uint32_t>& order) {
    auto d = datagram();
    FragmentKey key{IpAddress{4, {10, 0, 0, 1}}, IpAddress{4, {10, 0, 0, 2}}, 7, 6};
    std::optional<std::vector<std::uint8_t>> out;
    for (std::uint32_t n : order) {
        std::uint32_t at = n * kPiece, len = std::min(kPiece, kSize - at);
        auto whole = defrag.add(key, {}, at, at + len < kSize, std::span(d).subspan(at, len));
        if (whole) out.emplace(whole->payload.begin(), whole->payload.end());
    }
    return out;
}

// 8-byte fragments, in order, backwards and every other one first: each
// fragment costs a bounded number of bitmap words, so rebuilding a
// datagram is linear in its fragments whatever their order (checking the
// held ranges anew for each fragment made it quadratic).
TEST(IpDefrag, EightByteFragmentsInAnyOrderCostLinearWork) {
    constexpr std::uint32_t kCount = (kSize + kPiece - 1) / kPiece;
    std::vector<std::uint32_t> forward(kCount);
    std::iota(forward.begin(), forward.end(), 0u);
    std::vector<std::uint32_t> backward(forward.rbegin(), forward.rend());
    std::vector<std::uint32_t> interleaved;
    for (std::uint32_t n = 0; n < kCount; n += 2) interleaved.push_back(n);
    for (std::uint32_t n = 1; n < kCount; n += 2) interleaved.push_back(n);
    for (const auto& order : {forward, backward, interleaved}) {
        MemoryBudget budget(1 << 20);
        AnomalyCounts anomalies;
        IpDefragmenter defrag({}, budget, anomalies);
        auto whole = rebuild(defrag, order);
        ASSERT_TRUE(whole);
        EXPECT_EQ(*whole, datagram());
        EXPECT_LE(defrag.words_visited(), 2u * kCount);
        EXPECT_EQ(anomalies.get(DecodeAnomaly::ip_fragment_conflict), 0u);
        EXPECT_EQ(budget.used(), 0u);
    }
}

TEST(IpDefrag, OverlapKeepsTheFirstCopyAndCountsTheConflict) {
    MemoryBudget budget(1 << 20);
    AnomalyCounts anomalies;
    IpDefragmenter defrag({}, budget, anomalies);
    FragmentKey key{IpAddress{4, {10, 0, 0, 1}}, IpAddress{4, {10, 0, 0, 2}}, 9, 6};
    std::vector<std::uint8_t> a(16, 'a'), b(24, 'b'), c(8, 'c');
    EXPECT_FALSE(defrag.add(key, {}, 8, true, a));   // bytes 8..23
    EXPECT_FALSE(defrag.add(key, {}, 0, true, b));   // 0..23: only 0..7 are new; 8..23 disagree
    auto whole = defrag.add(key, {}, 24, false, c);  // 24..31, the last
    ASSERT_TRUE(whole);
    std::string got(whole->payload.begin(), whole->payload.end());
    EXPECT_EQ(got, std::string(8, 'b') + std::string(16, 'a') + std::string(8, 'c'));
    EXPECT_EQ(anomalies.get(DecodeAnomaly::ip_fragment_conflict), 1u);
}

}  // namespace
}  // namespace ftpsniff
