// Capture timestamps as text, always in UTC so output never depends on TZ.
#pragma once

#include "ftpsniff/capture.hpp"

#include <string>

namespace ftpsniff {

// "04:30:01.123456"
std::string clock_time(Timestamp ts);
// "2026-11-22 04:30:01.123456 UTC"
std::string date_time(Timestamp ts);
// Seconds since the epoch with microseconds, "1763785801.123456", appended to `out`.
void append_epoch_seconds(std::string& out, Timestamp ts);
// A duration in milliseconds as fmt's "{:.3f}" writes it, appended to `out`;
// without fmt's general float path when the rounding is certain.
void append_millis(std::string& out, double ms);

}  // namespace ftpsniff
