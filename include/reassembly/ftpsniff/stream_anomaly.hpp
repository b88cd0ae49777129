// The reassembly stage's anomalies: TCP streams it could not rebuild whole,
// and the connections it had to drop (anomaly.hpp says how the stages share
// one numbering).
#pragma once

#include "ftpsniff/decode_anomaly.hpp"

namespace ftpsniff {

enum class StreamAnomaly : std::uint8_t {
    tcp_overlap_conflict = kAnomaliesAfter<DecodeAnomaly>,
    out_of_order_cap_hit,
    flow_cap_hit,
    flow_evicted,
    data_flow_cap_hit,
    data_after_reset,
    duplicate_connection,
    count_  // not an anomaly: where the next stage's anomalies start
};
template <>
inline constexpr bool is_stage_anomaly<StreamAnomaly> = true;

std::string_view anomaly_name(StreamAnomaly a);

}  // namespace ftpsniff
