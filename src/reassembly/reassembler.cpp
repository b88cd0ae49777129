#include "ftpsniff/reassembly.hpp"

#include "half_stream.hpp"

#include <algorithm>
#include <vector>

namespace ftpsniff {

struct Reassembler::Flow {
    explicit Flow(MemoryBudget& budget) : to_server(budget), to_client(budget) {}

    FlowInfo info;
    std::unique_ptr<StreamHandler> handler;
    Timestamp last_seen;     // beside the handler: every packet touches both
    bool half_open = false;  // opened by a SYN; nothing since but its retransmissions
    // One side reset it: it stays open briefly for what the other side
    // still sends (a server's last words often come after the client's RST).
    bool reset = false;
    bool after_reset_reported = false;
    Timestamp reset_at;
    std::optional<std::uint32_t> client_isn;  // from the client's SYN
    HalfStream to_server;
    HalfStream to_client;
};

namespace {

// What one flow costs the memory budget before it buffers anything: its own
// state and a share for the fixed state of its consumer. Buffers are charged
// as they fill.
constexpr std::size_t kFlowCost = sizeof(Reassembler::Flow) + 2048;

// A tombstone: its slot in the table of closed tuples and its record in the
// queue that expires them, with room for the table's spare capacity.
constexpr std::size_t kTombstoneCost = sizeof(std::pair<std::pair<Endpoint, Endpoint>, Timestamp>) +
                                       sizeof(std::pair<std::pair<Endpoint, Endpoint>, Reassembler::Tombstone>) + 16;

// How long a reset connection stays open for the other side's last bytes,
// in capture time.
constexpr std::int64_t kResetLingerSec = 1;

}  // namespace

Reassembler::Reassembler(HandlerFactory factory, AnomalyCounts& anomalies, MemoryBudget& budget,
                         ReassemblyLimits limits)
    : factory_(std::move(factory)), anomalies_(anomalies), budget_(budget), limits_(limits) {}

Reassembler::~Reassembler() { budget_.refund(flows_.size() * kFlowCost + closings_.size() * kTombstoneCost); }

void Reassembler::forget_tombstones() {
    budget_.refund(closings_.size() * kTombstoneCost);
    closed_.clear();
    closings_.clear();
}

Reassembler::Table::iterator Reassembler::open_flow(const Key& key, const TcpSegment& seg, bool syn) {
    if (flows_.size() + closed_.size() >= limits_.max_flows) forget_tombstones();  // tombstones go first
    if (flows_.size() >= limits_.max_flows) {
        anomalies_.add(StreamAnomaly::flow_cap_hit);
        if (!evict_least_recent(seg.ts)) return flows_.end();
    }
    if (!budget_.charge(kFlowCost)) {
        anomalies_.add(BudgetAnomaly::memory_cap_hit);
        forget_tombstones();
        if (!budget_.charge(kFlowCost)) {
            // A flow gives back at least kFlowCost (its tombstone goes too:
            // the budget is short). If the budget went to something else,
            // making room once is enough of a try.
            if (!evict_least_recent(seg.ts)) return flows_.end();
            forget_tombstones();
            if (!budget_.charge(kFlowCost)) return flows_.end();
        }
    }
    auto flow = std::make_unique<Flow>(budget_);
    flow->info = FlowInfo{next_id_++, key.first, key.second, syn, seg.ts};
    flow->half_open = syn && (seg.flags & tcp_flag::ack) == 0 && seg.payload.empty() && seg.missing == 0;
    if (syn && (seg.flags & tcp_flag::ack) == 0) flow->client_isn = seg.seq;
    flow->handler = factory_(flow->info);
    return flows_.emplace(key, std::move(flow)).first;
}

bool Reassembler::evict_least_recent(Timestamp ts) {
    for (;;) {
        if (next_eviction_ == eviction_order_.size()) {
            eviction_order_.clear();
            next_eviction_ = 0;
            if (flows_.empty()) return false;
            auto older = [](const EvictionCandidate& a, const EvictionCandidate& b) {
                return a.last_seen != b.last_seen ? a.last_seen < b.last_seen : a.id < b.id;
            };
            // The oldest `keep` in a heap whose top is the most recent of them.
            std::size_t keep = std::max<std::size_t>(1, flows_.size() / 8);
            for (const auto& [key, flow] : flows_) {
                EvictionCandidate c{key, flow->info.id, flow->last_seen};
                if (eviction_order_.size() < keep) {
                    eviction_order_.push_back(c);
                    std::push_heap(eviction_order_.begin(), eviction_order_.end(), older);
                } else if (older(c, eviction_order_.front())) {
                    std::pop_heap(eviction_order_.begin(), eviction_order_.end(), older);
                    eviction_order_.back() = c;
                    std::push_heap(eviction_order_.begin(), eviction_order_.end(), older);
                }
            }
            std::sort_heap(eviction_order_.begin(), eviction_order_.end(), older);
        }
        const EvictionCandidate& c = eviction_order_[next_eviction_++];
        auto it = flows_.find(c.key);
        if (it == flows_.end() || it->second->info.id != c.id || it->second->last_seen != c.last_seen) continue;
        anomalies_.add(StreamAnomaly::flow_evicted);
        it->second->handler->on_anomaly(Direction::to_server, ts, StreamAnomaly::flow_evicted);
        close(it, ts, CloseReason::evicted);
        return true;
    }
}

void Reassembler::feed(const TcpSegment& seg, bool to_server) {
    // Sweeping once per second of capture time keeps this off the per-packet path.
    if (seg.ts.sec - last_sweep_sec_ >= 1) expire(seg.ts);
    doubtful_ = false;
    bool syn = (seg.flags & tcp_flag::syn) != 0;
    bool opening = syn && (seg.flags & tcp_flag::ack) == 0;
    bool has_bytes = !seg.payload.empty() || seg.missing > 0;

    Key key = to_server ? Key{seg.src, seg.dst} : Key{seg.dst, seg.src};
    auto it = flows_.find(key);
    if (it != flows_.end() && it->second->reset && opening && it->second->client_isn != seg.seq) {
        close(it, seg.ts, CloseReason::rst);  // a new connection on the tuple ends the reset one
        it = flows_.find(key);
    }
    if (it == flows_.end() && !closed_.empty()) {
        if (auto dead = closed_.find(key); dead != closed_.end()) {
            Tombstone& t = dead->second;
            if (opening && t.client_isn && *t.client_isn == seg.seq) {
                // The same connection again: the capture holds it twice.
                if (!t.copy_seen) anomalies_.add(StreamAnomaly::duplicate_connection);
                t.copy_seen = true;
            }
            if (!opening || t.copy_seen) {
                doubtful_ = has_bytes;  // a late packet of a closed connection: nobody compares its bytes
                return;
            }
            closed_.erase(dead);  // port reuse: a new connection on a closed tuple
        }
    }
    if (it == flows_.end()) {
        // A flow starts at a SYN or at the first byte of payload; stray ACKs
        // and FINs of connections we never saw carry nothing to follow.
        if (!syn && !has_bytes) return;
        it = open_flow(key, seg, syn);
        if (it == flows_.end()) return;
    }
    Flow& flow = *it->second;
    flow.last_seen = seg.ts;
    if (flow.half_open && (!opening || has_bytes)) flow.half_open = false;

    HalfStream& mine = to_server ? flow.to_server : flow.to_client;
    HalfStream& peer = to_server ? flow.to_client : flow.to_server;
    Direction dir = to_server ? Direction::to_server : Direction::to_client;
    Direction peer_dir = to_server ? Direction::to_client : Direction::to_server;

    // What the other side held at a pickup comes before what this side says.
    if (peer.holding()) peer.release({*flow.handler, peer_dir, seg.ts, anomalies_});
    if (syn) {
        mine.on_syn({*flow.handler, dir, seg.ts, anomalies_}, seg.seq);
        if (!has_bytes) return;
    } else if ((seg.flags & tcp_flag::ack) != 0) {
        peer.on_peer_ack({*flow.handler, peer_dir, seg.ts, anomalies_}, seg.ack);
    }
    // A SYN's data (TCP Fast Open) starts after the SYN's own sequence number.
    const std::uint32_t data_seq = syn ? seg.seq + 1 : seg.seq;
    if (flow.reset && !flow.after_reset_reported && has_bytes &&
        mine.extends(data_seq, seg.payload.size() + seg.missing)) {
        flow.after_reset_reported = true;
        anomalies_.add(StreamAnomaly::data_after_reset);
        flow.handler->on_anomaly(dir, seg.ts, StreamAnomaly::data_after_reset);
    }
    mine.on_segment({*flow.handler, dir, seg.ts, anomalies_}, data_seq, seg.payload, seg.missing,
                    (seg.flags & tcp_flag::fin) != 0, limits_.out_of_order_bytes);
    doubtful_ = mine.take_doubt() || peer.take_doubt();
    const bool fin = (seg.flags & tcp_flag::fin) != 0;
    if ((seg.flags & tcp_flag::rst) != 0 || (flow.reset && fin)) {
        // The second reset, or a FIN after one, ends it; the first leaves
        // it open briefly for the other side's last bytes.
        if (flow.reset) {
            close(it, seg.ts, CloseReason::rst);
        } else {
            flow.reset = true;
            flow.reset_at = seg.ts;
        }
    } else if (mine.finished() && peer.finished()) {
        close(it, seg.ts, CloseReason::fin);
    }
}

bool Reassembler::toward_server(const TcpSegment& seg) const {
    if (flows_.contains({seg.src, seg.dst}) || closed_.contains({seg.src, seg.dst})) return true;
    if (flows_.contains({seg.dst, seg.src}) || closed_.contains({seg.dst, seg.src})) return false;
    if ((seg.flags & tcp_flag::syn) != 0) return (seg.flags & tcp_flag::ack) == 0;
    return seg.dst.port <= seg.src.port;
}

void Reassembler::close(Table::iterator it, Timestamp ts, CloseReason why) {
    Flow& flow = *it->second;
    if (flow.reset) why = CloseReason::rst;
    flow.to_server.flush({*flow.handler, Direction::to_server, ts, anomalies_});
    flow.to_client.flush({*flow.handler, Direction::to_client, ts, anomalies_});
    flow.handler->on_close(ts, why);
    Key key = it->first;
    std::optional<std::uint32_t> client_isn = flow.client_isn;
    if (flow.reset) ts = flow.reset_at;  // TIME_WAIT runs from the reset
    budget_.refund(kFlowCost);
    flows_.erase(it);  // other iterators stay valid: close_where holds some
    // A connection closed for idling or for room did not end: its next
    // packets are picked up as a new session, not dropped.
    if (why == CloseReason::idle_timeout || why == CloseReason::evicted) return;
    // Tombstones are the first thing to give up when the budget is short.
    while (!budget_.charge(kTombstoneCost)) {
        if (closings_.empty()) return;
        forget_oldest_closing();
    }
    closed_.insert_or_assign(key, Tombstone{ts, client_isn});
    closings_.emplace_back(key, ts);
    // One tuple reused over and over leaves a record per close: the flow cap bounds them too.
    if (closings_.size() > limits_.max_flows) forget_oldest_closing();
}

template <class Pick>
void Reassembler::close_where(Timestamp ts, CloseReason why, Pick&& pick) {
    // In order of first appearance, so the output does not depend on the
    // hash table's layout.
    std::vector<Table::iterator> chosen;
    for (auto it = flows_.begin(); it != flows_.end(); ++it) {
        if (pick(*it->second)) chosen.push_back(it);
    }
    std::sort(chosen.begin(), chosen.end(), [](auto a, auto b) { return a->second->info.id < b->second->info.id; });
    for (auto it : chosen) close(it, ts, why);
}

void Reassembler::expire(Timestamp now) {
    last_sweep_sec_ = now.sec;
    std::int64_t half_open_sec = std::min(limits_.half_open_timeout_sec, limits_.idle_timeout_sec);
    close_where(now, CloseReason::idle_timeout, [&](const Flow& f) {
        if (f.reset) return now.sec - f.reset_at.sec > kResetLingerSec;
        return now.sec - f.last_seen.sec > (f.half_open ? half_open_sec : limits_.idle_timeout_sec);
    });
    while (!closings_.empty() && now.sec - closings_.front().second.sec > limits_.time_wait_sec) {
        forget_oldest_closing();
    }
}

void Reassembler::forget_oldest_closing() {
    auto it = closed_.find(closings_.front().first);
    // The tuple may have been reused, and closed again later, since.
    if (it != closed_.end() && it->second.closed == closings_.front().second) closed_.erase(it);
    closings_.pop_front();
    budget_.refund(kTombstoneCost);
}

void Reassembler::finish(Timestamp ts) {
    close_where(ts, CloseReason::end_of_capture, [](const Flow&) { return true; });
}

}  // namespace ftpsniff
