// Capture timestamps as text, always in UTC so output never depends on TZ.
#pragma once

#include "ftpsniff/capture.hpp"

#include <cstddef>
#include <string>

namespace ftpsniff {

// "04:30:01.123456"
std::string clock_time(Timestamp ts);
// "2026-11-22 04:30:01.123456 UTC"
std::string date_time(Timestamp ts);
// Seconds since the epoch with microseconds, "1763785801.123456", written at
// `out`, which has room for kEpochSecondsMax bytes; returns the end.
inline constexpr std::size_t kEpochSecondsMax = 32;
char* epoch_seconds_to(char* out, Timestamp ts);
// A duration in milliseconds as fmt's "{:.3f}" writes it, without fmt's
// general float path when the rounding is certain; `out` has room for
// kMillisMax bytes (DBL_MAX has 309 digits).
inline constexpr std::size_t kMillisMax = 320;
char* millis_to(char* out, double ms);

}  // namespace ftpsniff
