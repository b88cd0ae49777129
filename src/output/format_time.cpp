#include "format_time.hpp"

#include <fmt/format.h>

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

void append_epoch_seconds(std::string& out, Timestamp ts) {
    fmt::format_int sec(ts.sec);
    out.append(sec.data(), sec.size());
    out += '.';
    fmt::format_int micro(ts.nsec / 1000);
    if (micro.size() < 6) out.append(6 - micro.size(), '0');
    out.append(micro.data(), micro.size());
}

}  // namespace ftpsniff
