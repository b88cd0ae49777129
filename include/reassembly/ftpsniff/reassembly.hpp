// Reassembly stage: follows TCP connections in both directions and turns
// segments into ordered byte-stream events. It knows sequence numbers and
// bytes, nothing of FTP.
//
// Per direction: in-order payload is handed on as a span into the capture's
// buffer (no copy); retransmitted bytes are dropped (the first copy wins, and
// a retransmission that disagrees with it is reported as
// tcp_overlap_conflict); segments ahead of the expected sequence number are
// copied into an out-of-order buffer, capped in bytes, and delivered once the
// hole fills. A hole is declared a gap, never filled with invented bytes,
// when the peer acknowledges past it, when the buffer cap is hit, when the
// flow closes, or at the end of the capture.
//
// Flows: keyed by (client, server). A closed flow leaves a tombstone of a few
// bytes for `time_wait_sec` of capture time, so its late packets are not
// taken for a connection picked up mid-stream; a SYN on it starts a new
// flow. A flow idle for `idle_timeout_sec` of capture time is closed, one
// that never got past its SYN after `half_open_timeout_sec`. Every byte held,
// tombstones included, is charged to the run's MemoryBudget. When a new flow
// finds the table full (`max_flows`, flow_cap_hit) or the budget spent
// (memory_cap_hit), tombstones go first, then the least recently active flow
// is closed to make room (flow_evicted, CloseReason::evicted): a flood of
// SYNs cannot keep later connections out.
#pragma once

#include "ftpsniff/capture.hpp"
#include "ftpsniff/decode.hpp"
#include "ftpsniff/memory_budget.hpp"
#include "ftpsniff/stream_anomaly.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace ftpsniff {

// RFC 1982 serial-number arithmetic on 32-bit TCP sequence numbers: how far
// `a` lies after `b` (negative: before), valid within 2^31 of each other.
constexpr std::int32_t seq_diff(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b); }

enum class Direction : std::uint8_t { to_server, to_client };

enum class CloseReason : std::uint8_t { fin, rst, idle_timeout, end_of_capture, evicted };

struct FlowInfo {
    std::uint64_t id = 0;  // 1, 2, ... in order of first packet (the pipeline numbers sessions anew)
    Endpoint client;
    Endpoint server;
    bool handshake_seen = false;
    Timestamp first_seen;
};

// Receives the events of one flow; owned by the reassembler.
class StreamHandler {
public:
    virtual ~StreamHandler() = default;
    // Position 0 of this direction is sequence number `seq`; comes before
    // any other event of the direction.
    virtual void on_start(Direction /*dir*/, std::uint32_t /*seq*/) {}
    virtual void on_data(Direction dir, Timestamp ts, std::span<const std::uint8_t> bytes) = 0;
    // `length` bytes of the stream are missing from the capture.
    virtual void on_gap(Direction dir, Timestamp ts, std::uint64_t length) = 0;
    // Something went wrong in this direction (already counted in the run's
    // AnomalyCounts): a conflicting retransmission, a cap hit.
    virtual void on_anomaly(Direction dir, Timestamp ts, Anomaly what) = 0;
    virtual void on_close(Timestamp ts, CloseReason why) = 0;
};

using HandlerFactory = std::function<std::unique_ptr<StreamHandler>(const FlowInfo&)>;

struct ReassemblyLimits {
    std::size_t out_of_order_bytes = 1 << 20;  // per direction
    std::size_t max_flows = 100000;
    std::int64_t idle_timeout_sec = 3600;  // capture time; a long transfer keeps the control connection idle
    std::int64_t time_wait_sec = 60;       // how long a closed tuple is remembered (Linux's TIME_WAIT)
    // A flow that saw only its opening SYN (and retransmissions of it):
    // nothing answered, no byte sent. Scans and floods leave these behind.
    std::int64_t half_open_timeout_sec = 30;
};

class Reassembler {
public:
    Reassembler(HandlerFactory factory, AnomalyCounts& anomalies, MemoryBudget& budget, ReassemblyLimits limits = {});
    ~Reassembler();
    Reassembler(const Reassembler&) = delete;
    Reassembler& operator=(const Reassembler&) = delete;

    // `to_server` says which way the segment travels; the caller decides
    // which endpoint is the server (the FTP port). Data on a SYN (TCP Fast
    // Open) is stream data like any other.
    void feed(const TcpSegment& seg, bool to_server);
    // Whether the last feed() met bytes that may differ from what the
    // handler was given at their place: a conflicting copy, or a copy of
    // bytes too old to compare. A writer of the packets must not trust them.
    [[nodiscard]] bool last_feed_doubtful() const { return doubtful_; }
    // For a connection on no known port: whether `seg` travels toward the
    // server, by the flow it belongs to, else by its SYN, else taking the
    // lower port for the server.
    [[nodiscard]] bool toward_server(const TcpSegment& seg) const;
    // Delivers what is still buffered and closes every flow.
    void finish(Timestamp ts);

    struct Flow;  // defined in the implementation
    // A closed connection: when, and the client's initial sequence number,
    // by which a copy of the same connection later in the file is known.
    struct Tombstone {
        Timestamp closed;
        std::optional<std::uint32_t> client_isn;
        bool copy_seen = false;
    };

private:
    using Key = std::pair<Endpoint, Endpoint>;
    using Table = EndpointPairMap<std::unique_ptr<Flow>>;

    Table::iterator open_flow(const Key& key, const TcpSegment& seg, bool syn);
    void close(Table::iterator it, Timestamp ts, CloseReason why);
    // Closes, in order of first appearance, the flows `pick` selects.
    template <class Pick>
    void close_where(Timestamp ts, CloseReason why, Pick&& pick);
    void expire(Timestamp now);  // feed() calls it at most once per second of capture time
    void forget_oldest_closing();
    void forget_tombstones();
    // Closes the least recently active flow; false when there is none.
    bool evict_least_recent(Timestamp ts);

    // Flows that were the least recently active when the table was last
    // scanned, oldest first. One whose packets came since is skipped: every
    // flow not listed was more recently active, so the first still idle is
    // the least recent of all. A scan lists an eighth of the table, so its
    // cost is spread over as many evictions.
    struct EvictionCandidate {
        Key key;
        std::uint64_t id;
        Timestamp last_seen;
    };

    HandlerFactory factory_;
    AnomalyCounts& anomalies_;
    MemoryBudget& budget_;
    ReassemblyLimits limits_;
    std::uint64_t next_id_ = 1;
    std::int64_t last_sweep_sec_ = 0;
    bool doubtful_ = false;
    Table flows_;                                     // open flows: a small table that stays in cache
    EndpointPairMap<Tombstone> closed_;               // tombstones: when each closed
    std::deque<std::pair<Key, Timestamp>> closings_;  // oldest first, to expire tombstones
    std::vector<EvictionCandidate> eviction_order_;
    std::size_t next_eviction_ = 0;
};

}  // namespace ftpsniff
