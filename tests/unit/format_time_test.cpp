#include "format_time.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace ftpsniff {
namespace {

std::string millis(double ms) {
    std::array<char, kMillisMax> text;
    return {text.data(), millis_to(text.data(), ms)};
}

TEST(MillisTo, WritesWhatFmtWritesForEdgeValues) {
    for (double v : {0.0, -0.0, 0.0005, 0.0015, 1.0005, -0.0004, -0.0005, 2.5e-4, 999.9995, 52.951, 0.064, 1e9, 1e12,
                     1e13, -1e13, 123456789.0125, std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
        EXPECT_EQ(millis(v), fmt::format("{:.3f}", v)) << v;
    }
}

TEST(MillisTo, WritesWhatFmtWritesForDurationsBetweenCaptureTimes) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 200000; ++i) {
        Timestamp a{static_cast<std::int64_t>(rng() % 2'000'000'000),
                    static_cast<std::uint32_t>(rng() % 1'000'000'000)};
        Timestamp b{a.sec + static_cast<std::int64_t>(rng() % 100'000) - 50'000,
                    static_cast<std::uint32_t>(i % 2 == 0 ? rng() % 1'000'000 * 1000 : rng() % 1'000'000'000)};
        double ms = millis_between(a, b);
        ASSERT_EQ(millis(ms), fmt::format("{:.3f}", ms)) << ms;
    }
}

// What the one writer of a run writes, call after call, is what a fresh
// formatting of each time gives: runs of one second, changes of second
// (also to 0 and to negative times, from damaged records), and fractions of
// every width, including a damaged nanosecond count past one second.
TEST(EpochSeconds, EachCallWritesItsOwnTime) {
    EpochSeconds epoch;
    std::mt19937_64 rng(11);
    std::vector<Timestamp> times{{0, 0},
                                 {0, 999},
                                 {0, 1000},
                                 {1, 0},
                                 {-1, 5000},
                                 {-1, 7000},
                                 {0, 0},
                                 {1790000000, 4'294'967'295u},
                                 {1790000000, 1'000'000'000u},
                                 {9223372036854775807, 1}};
    for (int i = 0; i < 100000; ++i) {
        auto sec = static_cast<std::int64_t>(1'790'000'000 + rng() % 4);
        times.push_back({sec, static_cast<std::uint32_t>(rng() % (i % 2 == 0 ? 1'000'000'000 : 100'000))});
    }
    for (Timestamp ts : times) {
        std::array<char, EpochSeconds::kMax> text;
        std::string got(text.data(), epoch.write(text.data(), ts));
        std::string micro = fmt::format("{}", ts.nsec / 1000);
        ASSERT_EQ(got,
                  fmt::format("{}.{}{}", ts.sec, std::string(6 - std::min<std::size_t>(micro.size(), 6), '0'), micro))
            << ts.sec << " " << ts.nsec;
    }
}

}  // namespace
}  // namespace ftpsniff
