// Named per-packet and per-stream problems. The names are an API: the output
// counts them and tests match on them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ftpsniff {

enum class Anomaly : std::uint8_t {
    truncated_link_header,
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
    tcp_overlap_conflict,
    out_of_order_cap_hit,
    flow_cap_hit,
    flow_evicted,
    memory_cap_hit,
    data_flow_cap_hit,
    line_too_long,
    pending_commands_cap_hit,
    telnet_subnegotiation_unterminated,
    data_after_reset,
    duplicate_connection,
    count_  // not an anomaly: the number of them
};

inline constexpr std::size_t kAnomalyCount = static_cast<std::size_t>(Anomaly::count_);

std::string_view anomaly_name(Anomaly a);
// One line for people: what happened and what it means for the output.
std::string_view anomaly_description(Anomaly a);

// Counts per anomaly, summed over a run.
class AnomalyCounts {
public:
    void add(Anomaly a, std::uint64_t n = 1) { counts_[static_cast<std::size_t>(a)] += n; }
    [[nodiscard]] std::uint64_t get(Anomaly a) const { return counts_[static_cast<std::size_t>(a)]; }

private:
    std::array<std::uint64_t, kAnomalyCount> counts_{};
};

}  // namespace ftpsniff
