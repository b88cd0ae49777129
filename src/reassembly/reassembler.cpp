#include "ftpsniff/reassembly.hpp"

#include "half_stream.hpp"

#include <algorithm>
#include <vector>

namespace ftpsniff {

struct Reassembler::Flow {
    explicit Flow(MemoryBudget& budget) : to_server(budget), to_client(budget) {}

    FlowInfo info;
    std::unique_ptr<StreamHandler> handler;
    Timestamp last_seen;  // beside the handler: every packet touches both
    HalfStream to_server;
    HalfStream to_client;
};

namespace {

// What one flow costs the memory budget before it buffers anything: its own
// state and a share for the fixed state of its consumer. Buffers are charged
// as they fill.
constexpr std::size_t kFlowCost = sizeof(Reassembler::Flow) + 2048;

}  // namespace

Reassembler::Reassembler(HandlerFactory factory, AnomalyCounts& anomalies, MemoryBudget& budget,
                         ReassemblyLimits limits)
    : factory_(std::move(factory)), anomalies_(anomalies), budget_(budget), limits_(limits) {}

Reassembler::~Reassembler() {
    for (std::size_t i = 0; i < flows_.size(); ++i) budget_.refund(kFlowCost);
}

Reassembler::Table::iterator Reassembler::open_flow(const Key& key, const TcpSegment& seg, bool syn) {
    if (flows_.size() + closed_.size() >= limits_.max_flows) {
        closed_.clear();  // tombstones go first
        closings_.clear();
    }
    if (flows_.size() >= limits_.max_flows) {
        anomalies_.add(Anomaly::flow_cap_hit);
        return flows_.end();
    }
    if (!budget_.charge(kFlowCost)) {
        anomalies_.add(Anomaly::memory_cap_hit);
        return flows_.end();
    }
    auto flow = std::make_unique<Flow>(budget_);
    flow->info = FlowInfo{next_id_++, key.first, key.second, syn, seg.ts};
    flow->handler = factory_(flow->info);
    return flows_.emplace(key, std::move(flow)).first;
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
    if (it == flows_.end() && !closed_.empty()) {
        if (auto dead = closed_.find(key); dead != closed_.end()) {
            if (!opening) {
                doubtful_ = has_bytes;  // a late packet of a closed connection: nobody compares its bytes
                return;
            }
            closed_.erase(dead);   // port reuse: a new connection on a closed tuple
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

    HalfStream& mine = to_server ? flow.to_server : flow.to_client;
    HalfStream& peer = to_server ? flow.to_client : flow.to_server;
    Direction dir = to_server ? Direction::to_server : Direction::to_client;
    Direction peer_dir = to_server ? Direction::to_client : Direction::to_server;

    if (syn) {
        mine.on_syn({*flow.handler, dir, seg.ts, anomalies_}, seg.seq);
        if (!has_bytes) return;
    } else if ((seg.flags & tcp_flag::ack) != 0) {
        peer.on_peer_ack({*flow.handler, peer_dir, seg.ts, anomalies_}, seg.ack);
    }
    // A SYN's data (TCP Fast Open) starts after the SYN's own sequence number.
    mine.on_segment({*flow.handler, dir, seg.ts, anomalies_}, syn ? seg.seq + 1 : seg.seq, seg.payload, seg.missing,
                    (seg.flags & tcp_flag::fin) != 0, limits_.out_of_order_bytes);
    doubtful_ = mine.take_doubt() || peer.take_doubt();
    if ((seg.flags & tcp_flag::rst) != 0) {
        close(it, seg.ts, CloseReason::rst);
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
    flow.to_server.flush({*flow.handler, Direction::to_server, ts, anomalies_});
    flow.to_client.flush({*flow.handler, Direction::to_client, ts, anomalies_});
    flow.handler->on_close(ts, why);
    closed_.insert_or_assign(it->first, ts);
    closings_.emplace_back(it->first, ts);
    // One tuple reused over and over leaves a record per close: the flow cap bounds them too.
    if (closings_.size() > limits_.max_flows) forget_oldest_closing();
    budget_.refund(kFlowCost);
    flows_.erase(it);  // other iterators stay valid: close_where holds some
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
    close_where(now, CloseReason::idle_timeout,
                [&](const Flow& f) { return now.sec - f.last_seen.sec > limits_.idle_timeout_sec; });
    while (!closings_.empty() && now.sec - closings_.front().second.sec > limits_.time_wait_sec) {
        forget_oldest_closing();
    }
}

void Reassembler::forget_oldest_closing() {
    auto it = closed_.find(closings_.front().first);
    // The tuple may have been reused, and closed again later, since.
    if (it != closed_.end() && it->second == closings_.front().second) closed_.erase(it);
    closings_.pop_front();
}

void Reassembler::finish(Timestamp ts) {
    close_where(ts, CloseReason::end_of_capture, [](const Flow&) { return true; });
}

}  // namespace ftpsniff
