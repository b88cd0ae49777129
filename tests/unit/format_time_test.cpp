#include "format_time.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <random>

namespace ftpsniff {
namespace {

std::string millis(double ms) {
    std::array<char, kMillisMax> text;
    return {text.data(), millis_to(text.data(), ms)};
}

TEST(MillisTo, WritesWhatFmtWritesForEdgeValues) {
    for (double v : {0.0, -0.0, 0.0005, 0.0015, 1.0005, -0.0004, -0.0005, 2.5e-4, 999.9995, 52.951, 0.064, 1e9,
                     1e12, 1e13, -1e13, 123456789.0125, std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
        EXPECT_EQ(millis(v), fmt::format("{:.3f}", v)) << v;
    }
}

TEST(MillisTo, WritesWhatFmtWritesForDurationsBetweenCaptureTimes) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 200000; ++i) {
        Timestamp a{static_cast<std::int64_t>(rng() % 2'000'000'000), static_cast<std::uint32_t>(rng() % 1'000'000'000)};
        Timestamp b{a.sec + static_cast<std::int64_t>(rng() % 100'000) - 50'000,
                    static_cast<std::uint32_t>(i % 2 == 0 ? rng() % 1'000'000 * 1000 : rng() % 1'000'000'000)};
        double ms = millis_between(a, b);
        ASSERT_EQ(millis(ms), fmt::format("{:.3f}", ms)) << ms;
    }
}

}  // namespace
}  // namespace ftpsniff
