// Capture timestamps as text, always in UTC so output never depends on TZ.
#pragma once

#include "ftpsniff/timestamp.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ftpsniff {

// "04:30:01.123456"
std::string clock_time(Timestamp ts);
// "2026-11-22 04:30:01.123456 UTC"
std::string date_time(Timestamp ts);
// Seconds since the epoch with microseconds, "1763785801.123456". Records
// come many to a second: the seconds' digits are kept from the last call.
class EpochSeconds {
public:
    static constexpr std::size_t kMax = 32;  // room it needs: the longest form is 28
    // Writes `ts` at `out`, which has room for kMax bytes; returns the end.
    char* write(char* out, Timestamp ts);

private:
    std::int64_t sec_ = 0;
    std::array<char, 24> digits_{'0'};
    std::size_t size_ = 1;
};
// A duration in milliseconds as fmt's "{:.3f}" writes it, without fmt's
// general float path when the rounding is certain; `out` has room for
// kMillisMax bytes (DBL_MAX has 309 digits).
inline constexpr std::size_t kMillisMax = 320;
char* millis_to(char* out, double ms);

}  // namespace ftpsniff
