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

std::string_view anomaly_description(StreamAnomaly a) {
    switch (a) {
    case StreamAnomaly::tcp_overlap_conflict:
        return "a retransmission carries different bytes; the first copy was kept";
    case StreamAnomaly::out_of_order_cap_hit: return "out-of-order buffer full; the missing bytes became a gap";
    case StreamAnomaly::flow_cap_hit: return "too many connections at once; the least recently active one was closed";
    case StreamAnomaly::flow_evicted: return "closed to make room for a new connection (--max-flows or --max-memory)";
    case StreamAnomaly::data_flow_cap_hit: return "too many data connections announced at once; one is not followed";
    case StreamAnomaly::data_after_reset:
        return "bytes came after the connection was reset; they are shown, and often say why it was reset";
    case StreamAnomaly::duplicate_connection:
        return "a connection that already ended appears again with the same initial sequence number (the "
               "capture holds its packets twice); the copy is left out";
    case StreamAnomaly::count_: break;
    }
    return "unknown anomaly";
}

}  // namespace ftpsniff
