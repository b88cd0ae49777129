#include "ftpsniff/stream_anomaly.hpp"

namespace ftpsniff {

std::string_view anomaly_name(StreamAnomaly a) {
    switch (a) {
    case StreamAnomaly::tcp_overlap_conflict: return "tcp_overlap_conflict";
    case StreamAnomaly::out_of_order_cap_hit: return "out_of_order_cap_hit";
    case StreamAnomaly::flow_cap_hit: return "flow_cap_hit";
    case StreamAnomaly::flow_evicted: return "flow_evicted";
    case StreamAnomaly::data_flow_cap_hit: return "data_flow_cap_hit";
    case StreamAnomaly::data_after_reset: return "data_after_reset";
    case StreamAnomaly::duplicate_connection: return "duplicate_connection";
    case StreamAnomaly::count_: break;
    }
    return "unknown";
}

}  // namespace ftpsniff
