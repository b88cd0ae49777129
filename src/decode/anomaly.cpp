#include "ftpsniff/anomaly.hpp"

namespace ftpsniff {

std::string_view anomaly_name(Anomaly a) {
    switch (a) {
    case Anomaly::truncated_link_header: return "truncated_link_header";
    case Anomaly::truncated_ip_header: return "truncated_ip_header";
    case Anomaly::bad_ip_version: return "bad_ip_version";
    case Anomaly::bad_ip_header_length: return "bad_ip_header_length";
    case Anomaly::ip_length_past_caplen: return "ip_length_past_caplen";
    case Anomaly::truncated_ipv6_extension: return "truncated_ipv6_extension";
    case Anomaly::truncated_tcp_header: return "truncated_tcp_header";
    case Anomaly::bad_tcp_data_offset: return "bad_tcp_data_offset";
    case Anomaly::snaplen_cut_payload: return "snaplen_cut_payload";
    case Anomaly::bad_fragment_offset: return "bad_fragment_offset";
    case Anomaly::ip_fragment_conflict: return "ip_fragment_conflict";
    case Anomaly::ip_fragment_timeout: return "ip_fragment_timeout";
    case Anomaly::ip_fragment_cap_hit: return "ip_fragment_cap_hit";
    case Anomaly::tcp_overlap_conflict: return "tcp_overlap_conflict";
    case Anomaly::out_of_order_cap_hit: return "out_of_order_cap_hit";
    case Anomaly::flow_cap_hit: return "flow_cap_hit";
    case Anomaly::flow_evicted: return "flow_evicted";
    case Anomaly::memory_cap_hit: return "memory_cap_hit";
    case Anomaly::data_flow_cap_hit: return "data_flow_cap_hit";
    case Anomaly::line_too_long: return "line_too_long";
    case Anomaly::pending_commands_cap_hit: return "pending_commands_cap_hit";
    case Anomaly::telnet_subnegotiation_unterminated: return "telnet_subnegotiation_unterminated";
    case Anomaly::data_after_reset: return "data_after_reset";
    case Anomaly::duplicate_connection: return "duplicate_connection";
    case Anomaly::count_: break;
    }
    return "unknown";
}

std::string_view anomaly_description(Anomaly a) {
    switch (a) {
    case Anomaly::truncated_link_header: return "frame too short for its link-layer header; skipped";
    case Anomaly::truncated_ip_header: return "IP header cut short; packet skipped";
    case Anomaly::bad_ip_version: return "IP version field does not match the link layer; packet skipped";
    case Anomaly::bad_ip_header_length: return "IP header length is impossible; packet skipped";
    case Anomaly::ip_length_past_caplen: return "IP length claims more bytes than the packet had; skipped";
    case Anomaly::truncated_ipv6_extension: return "IPv6 extension header cut short; packet skipped";
    case Anomaly::truncated_tcp_header: return "TCP header cut short; packet skipped";
    case Anomaly::bad_tcp_data_offset: return "TCP data offset is impossible; packet skipped";
    case Anomaly::snaplen_cut_payload: return "the capture's snap length cut the payload; the rest is a gap";
    case Anomaly::bad_fragment_offset: return "IP fragment reaches past 65535 bytes; dropped";
    case Anomaly::ip_fragment_conflict: return "overlapping IP fragments disagree; the first copy was kept";
    case Anomaly::ip_fragment_timeout: return "an IP datagram's fragments never all arrived; dropped";
    case Anomaly::ip_fragment_cap_hit: return "too many incomplete IP datagrams at once; fragment dropped";
    case Anomaly::tcp_overlap_conflict: return "a retransmission carries different bytes; the first copy was kept";
    case Anomaly::out_of_order_cap_hit: return "out-of-order buffer full; the missing bytes became a gap";
    case Anomaly::flow_cap_hit: return "too many connections at once; the least recently active one was closed";
    case Anomaly::flow_evicted: return "closed to make room for a new connection (--max-flows or --max-memory)";
    case Anomaly::memory_cap_hit: return "--max-memory reached; bytes were dropped";
    case Anomaly::data_flow_cap_hit: return "too many data connections announced at once; one is not followed";
    case Anomaly::line_too_long: return "a line passed the length cap and was cut";
    case Anomaly::pending_commands_cap_hit: return "too many unanswered commands; the oldest was forgotten";
    case Anomaly::telnet_subnegotiation_unterminated:
        return "a Telnet subnegotiation (IAC SB) ran to the end of a line without IAC SE; reading resumed there";
    case Anomaly::data_after_reset:
        return "bytes came after the connection was reset; they are shown, and often say why it was reset";
    case Anomaly::duplicate_connection:
        return "a connection that already ended appears again with the same initial sequence number (the "
               "capture holds its packets twice); the copy is left out";
    case Anomaly::count_: break;
    }
    return "unknown anomaly";
}

}  // namespace ftpsniff
