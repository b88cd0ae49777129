#include "ftpsniff/anomaly.hpp"

namespace ftpsniff {

std::string_view anomaly_name(Anomaly a) {
    switch (a) {
    case Anomaly::truncated_link_header: return "truncated_link_header";
    case Anomaly::truncated_ip_header: return "truncated_ip_header";
    case Anomaly::bad_ip_version: return "bad_ip_version";
    case Anomaly::bad_ip_header_length: return "bad_ip_header_length";
    case Anomaly::ip_length_past_caplen: return "ip_length_past_caplen";
    case Anomaly::ip_fragment_skipped: return "ip_fragment_skipped";
    case Anomaly::truncated_ipv6_extension: return "truncated_ipv6_extension";
    case Anomaly::truncated_tcp_header: return "truncated_tcp_header";
    case Anomaly::bad_tcp_data_offset: return "bad_tcp_data_offset";
    case Anomaly::snaplen_cut_payload: return "snaplen_cut_payload";
    case Anomaly::out_of_order_cap_hit: return "out_of_order_cap_hit";
    case Anomaly::line_too_long: return "line_too_long";
    case Anomaly::pending_commands_cap_hit: return "pending_commands_cap_hit";
    case Anomaly::count_: break;
    }
    return "unknown";
}

}  // namespace ftpsniff
