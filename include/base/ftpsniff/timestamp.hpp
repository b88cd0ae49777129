// A capture time, as every stage carries it: seconds since the epoch and
// nanoseconds (microsecond captures are scaled when read).
#pragma once

#include <compare>
#include <cstdint>

namespace ftpsniff {

struct Timestamp {
    std::int64_t sec = 0;
    std::uint32_t nsec = 0;

    friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// Milliseconds from one capture time to another.
inline double millis_between(Timestamp from, Timestamp to) {
    return static_cast<double>(to.sec - from.sec) * 1e3 +
           (static_cast<double>(to.nsec) - static_cast<double>(from.nsec)) / 1e6;
}

}  // namespace ftpsniff
