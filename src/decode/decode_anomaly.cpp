#include "ftpsniff/decode_anomaly.hpp"

namespace ftpsniff {

std::string_view anomaly_name(DecodeAnomaly a) {
    switch (a) {
    case DecodeAnomaly::truncated_link_header: return "truncated_link_header";
    case DecodeAnomaly::truncated_ip_header: return "truncated_ip_header";
    case DecodeAnomaly::bad_ip_version: return "bad_ip_version";
    case DecodeAnomaly::bad_ip_header_length: return "bad_ip_header_length";
    case DecodeAnomaly::ip_length_past_caplen: return "ip_length_past_caplen";
    case DecodeAnomaly::truncated_ipv6_extension: return "truncated_ipv6_extension";
    case DecodeAnomaly::truncated_tcp_header: return "truncated_tcp_header";
    case DecodeAnomaly::bad_tcp_data_offset: return "bad_tcp_data_offset";
    case DecodeAnomaly::snaplen_cut_payload: return "snaplen_cut_payload";
    case DecodeAnomaly::bad_fragment_offset: return "bad_fragment_offset";
    case DecodeAnomaly::ip_fragment_conflict: return "ip_fragment_conflict";
    case DecodeAnomaly::ip_fragment_timeout: return "ip_fragment_timeout";
    case DecodeAnomaly::ip_fragment_cap_hit: return "ip_fragment_cap_hit";
    case DecodeAnomaly::count_: break;
    }
    return "unknown";
}

}  // namespace ftpsniff
