// The decode stage's anomalies: frames and IP datagrams it could not read
// whole (anomaly.hpp says how the stages share one numbering).
#pragma once

#include "ftpsniff/anomaly.hpp"

namespace ftpsniff {

enum class DecodeAnomaly : std::uint8_t {
    truncated_link_header = kAnomaliesAfter<BudgetAnomaly>,
    truncated_ip_header,
    bad_ip_version,
    bad_ip_header_length,
    ip_length_past_caplen,
    truncated_ipv6_extension,
    truncated_tcp_header,
    bad_tcp_data_offset,
    snaplen_cut_payload,
    bad_fragment_offset,
    ip_fragment_conflict,
    ip_fragment_timeout,
    ip_fragment_cap_hit,
    count_  // not an anomaly: where the next stage's anomalies start
};
template <>
inline constexpr bool is_stage_anomaly<DecodeAnomaly> = true;

std::string_view anomaly_name(DecodeAnomaly a);

}  // namespace ftpsniff
