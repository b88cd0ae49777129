// Follows the data connections that control connections announce (PASV,
// EPSV, PORT, ...): not their bytes, only how many went each way, when, and
// how the connection ended. It knows addresses and TCP, nothing of FTP: an
// owner number ties each connection to whoever announced it.
//
// A connection is counted by sequence numbers (highest end seen minus the
// first), so retransmissions are not counted twice and bytes missing from
// the capture still count as sent.
#pragma once

#include "ftpsniff/decode.hpp"
#include "ftpsniff/reassembly.hpp"
#include "ftpsniff/stream_anomaly.hpp"

#include <cstdint>
#include <vector>

namespace ftpsniff {

// Which end of a data connection did something first (sent the first FIN, or a RST).
enum class FlowSide : std::uint8_t { none, opener, listener };

struct DataFlowReport {
    std::uint64_t owner = 0;
    Endpoint opener;    // sent the SYN
    Endpoint listener;  // the announced address
    Timestamp first;
    Timestamp last;
    std::uint64_t bytes_to_listener = 0;
    std::uint64_t bytes_to_opener = 0;
    CloseReason end = CloseReason::end_of_capture;
    std::uint32_t syns = 0;               // the opener's SYNs, retransmissions included
    bool answered = false;                // the listener sent SYN-ACK, or anything but a RST
    FlowSide closed_by = FlowSide::none;  // the first FIN's or the RST's sender
    bool tls = false;                     // the first bytes either way are a TLS handshake record
    // The side whose last packet advertised a zero receive window: it had
    // stopped reading (RFC 9293 §3.8.6.1), and the other could not send.
    FlowSide zero_window = FlowSide::none;
};

class DataFlowEvents {
public:
    virtual ~DataFlowEvents() = default;
    // An expected connection opened (its SYN); bytes and end are not known yet.
    virtual void on_data_flow_open(const DataFlowReport& report) = 0;
    virtual void on_data_flow_end(const DataFlowReport& report) = 0;
};

class DataFlowTable {
public:
    DataFlowTable(DataFlowEvents& events, AnomalyCounts& anomalies, std::size_t max_entries = 4096)
        : events_(events), anomalies_(anomalies), max_entries_(max_entries) {}

    // A connection to `listener` is expected on behalf of `owner`; a later
    // announcement of the same endpoint replaces it.
    void expect(const Endpoint& listener, std::uint64_t owner);
    // Forgets what `owner` expected and has not yet seen (its session ended).
    void forget(std::uint64_t owner);
    // No longer expects `listener` for `owner` (another address was used).
    void withdraw(const Endpoint& listener, std::uint64_t owner);

    // Cheap test for the packet loop: could this segment be ours?
    [[nodiscard]] bool empty() const { return expected_.empty() && flows_.empty(); }
    // Takes the segment if it belongs to an expected or followed connection.
    // A segment on ports no listener uses is turned away by an array lookup.
    bool feed(const TcpSegment& seg);
    // Ends the connection from `opener` to `listener` if its SYNs are still
    // unanswered (its owner has given up on it: the transfer's reply came).
    void give_up_if_unanswered(const Endpoint& opener, const Endpoint& listener);
    // Ends every connection `owner` still has open (its session ended).
    void close_owner(std::uint64_t owner);
    // Reports every connection still open.
    void finish(Timestamp ts);

private:
    struct Side {
        bool started = false;
        std::uint32_t end = 0;    // one past the highest byte seen
        std::uint64_t bytes = 0;  // from the first byte to `end`: 64 bits, past 4 GiB
        bool fin = false;
        bool sent_bytes = false;
        bool zero_window = false;  // its last packet's window was 0
    };
    struct Flow {
        DataFlowReport report;
        Side to_listener, to_opener;
    };
    using Flows = EndpointPairMap<Flow>;  // (opener, listener)

    static void track(Flow& flow, bool to_listener, const TcpSegment& seg);
    void close(Flows::iterator it, CloseReason why);
    [[nodiscard]] bool port_in_use(std::uint16_t port) const { return listener_ports_[port] != 0; }

    DataFlowEvents& events_;
    AnomalyCounts& anomalies_;
    std::size_t max_entries_;
    absl::flat_hash_map<Endpoint, std::uint64_t> expected_;  // listener -> owner
    // What each owner announced, so forget() need not scan expected_. Entries
    // since taken by a connection or another owner are pruned as a list grows.
    absl::flat_hash_map<std::uint64_t, std::vector<Endpoint>> announced_;
    Flows flows_;
    // Entries in expected_ and flows_ per listener port.
    std::vector<std::uint32_t> listener_ports_ = std::vector<std::uint32_t>(65536);
};

}  // namespace ftpsniff
