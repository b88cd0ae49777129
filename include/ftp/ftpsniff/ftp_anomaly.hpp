// The FTP stage's anomalies: control-connection text it could not read as
// FTP whole, and the last stage to name any, so every anomaly's name and
// description can be looked up here (anomaly.hpp says how the stages share
// one numbering).
#pragma once

#include "ftpsniff/stream_anomaly.hpp"

namespace ftpsniff {

enum class FtpAnomaly : std::uint8_t {
    line_too_long = kAnomaliesAfter<StreamAnomaly>,
    pending_commands_cap_hit,
    telnet_subnegotiation_unterminated,
    count_  // not an anomaly: the number of anomalies of all stages
};
template <>
inline constexpr bool is_stage_anomaly<FtpAnomaly> = true;

inline constexpr std::size_t kAnomalyCount = kAnomaliesAfter<FtpAnomaly>;
static_assert(kAnomalyCount <= kMaxAnomalies);

// Any stage's anomaly, by the stage that names it.
std::string_view anomaly_name(Anomaly a);

}  // namespace ftpsniff
