#include "format_time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ctime>

namespace ftpsniff {

namespace {

std::tm utc(Timestamp ts) {
    std::time_t t = static_cast<std::time_t>(ts.sec);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}

}  // namespace

std::string clock_time(Timestamp ts) {
    std::tm tm = utc(ts);
    return fmt::format("{:02}:{:02}:{:02}.{:06}", tm.tm_hour, tm.tm_min, tm.tm_sec, ts.nsec / 1000);
}

std::string date_time(Timestamp ts) {
    std::tm tm = utc(ts);
    return fmt::format("{:04}-{:02}-{:02} {} UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, clock_time(ts));
}

char* millis_to(char* out, double ms) {
    // Below 10^12 the product is off by at most 10^-4 from the exact one, so
    // whenever it lies clearly away from a tie its rounding is the right one.
    double scaled = ms * 1000;
    double whole = std::nearbyint(scaled);
    if (!(std::fabs(scaled) < 1e12) || std::fabs(scaled - whole) >= 0.499) return fmt::format_to(out, "{:.3f}", ms);
    if (std::signbit(ms)) *out++ = '-';
    auto thousandths = static_cast<std::uint64_t>(std::fabs(whole));
    fmt::format_int units(thousandths / 1000);
    out = std::copy_n(units.data(), units.size(), out);
    unsigned frac = static_cast<unsigned>(thousandths % 1000);
    *out++ = '.';
    *out++ = static_cast<char>('0' + frac / 100);
    *out++ = static_cast<char>('0' + frac / 10 % 10);
    *out++ = static_cast<char>('0' + frac % 10);
    return out;
}

char* EpochSeconds::write(char* out, Timestamp ts) {
    if (ts.sec != sec_) {
        fmt::format_int sec(ts.sec);
        sec_ = ts.sec;
        size_ = sec.size();
        std::copy_n(sec.data(), size_, digits_.data());
    }
    // The whole array, a fixed-size copy: `out` has room for it.
    std::memcpy(out, digits_.data(), digits_.size());
    out += size_;
    *out++ = '.';
    // nsec is below 10^9, so the microseconds have at most six digits; a
    // larger value (from a damaged record) is written in full, as before.
    std::uint32_t micro = ts.nsec / 1000;
    if (micro >= 1000000) {
        fmt::format_int all(micro);
        return std::copy_n(all.data(), all.size(), out);
    }
    for (std::uint32_t pair : {micro / 10000, micro / 100 % 100, micro % 100}) {
        *out++ = static_cast<char>('0' + pair / 10);
        *out++ = static_cast<char>('0' + pair % 10);
    }
    return out;
}

}  // namespace ftpsniff
