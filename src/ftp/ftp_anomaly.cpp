#include "ftpsniff/ftp_anomaly.hpp"

namespace ftpsniff {

namespace {

std::string_view anomaly_name(FtpAnomaly a) {
    switch (a) {
    case FtpAnomaly::line_too_long: return "line_too_long";
    case FtpAnomaly::pending_commands_cap_hit: return "pending_commands_cap_hit";
    case FtpAnomaly::telnet_subnegotiation_unterminated: return "telnet_subnegotiation_unterminated";
    case FtpAnomaly::count_: break;
    }
    return "unknown";
}

// Calls `use` with the stage's own enum for the anomaly.
template <class Use>
auto by_stage(Anomaly a, Use use) {
    auto id = static_cast<std::uint8_t>(a.id());
    if (id < kAnomaliesAfter<BudgetAnomaly>) return use(static_cast<BudgetAnomaly>(id));
    if (id < kAnomaliesAfter<DecodeAnomaly>) return use(static_cast<DecodeAnomaly>(id));
    if (id < kAnomaliesAfter<StreamAnomaly>) return use(static_cast<StreamAnomaly>(id));
    return use(static_cast<FtpAnomaly>(id));
}

}  // namespace

std::string_view anomaly_name(Anomaly a) {
    return by_stage(a, [](auto stage_anomaly) { return anomaly_name(stage_anomaly); });
}

}  // namespace ftpsniff
