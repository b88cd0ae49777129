#include "ftpsniff/reassembly.hpp"

#include "half_stream.hpp"

#include <algorithm>
#include <vector>

namespace ftpsniff {

struct Reassembler::Flow {
    FlowInfo info;
    std::unique_ptr<StreamHandler> handler;  // null once closed
    HalfStream to_server;
    HalfStream to_client;
};

namespace {

std::size_t hash_endpoint(const Endpoint& e, std::size_t h) {
    // FNV-1a over the address bytes and port.
    auto mix = [&h](std::uint8_t b) { h = (h ^ b) * 1099511628211ULL; };
    for (std::uint8_t b : e.ip.bytes) mix(b);
    mix(static_cast<std::uint8_t>(e.port));
    mix(static_cast<std::uint8_t>(e.port >> 8));
    return h;
}

}  // namespace

std::size_t Reassembler::KeyHash::operator()(const std::pair<Endpoint, Endpoint>& k) const {
    return hash_endpoint(k.second, hash_endpoint(k.first, 14695981039346656037ULL));
}

Reassembler::Reassembler(HandlerFactory factory, AnomalyCounts& anomalies, ReassemblyLimits limits)
    : factory_(std::move(factory)), anomalies_(anomalies), limits_(limits) {}

Reassembler::~Reassembler() = default;

void Reassembler::feed(const TcpSegment& seg, bool to_server) {
    const Endpoint& client = to_server ? seg.src : seg.dst;
    const Endpoint& server = to_server ? seg.dst : seg.src;
    bool syn = (seg.flags & tcp_flag::syn) != 0;
    bool opening = syn && (seg.flags & tcp_flag::ack) == 0;
    bool has_bytes = !seg.payload.empty() || seg.missing > 0;

    auto it = flows_.find({client, server});
    if (it != flows_.end() && !it->second->handler && opening) {
        flows_.erase(it);  // port reuse: a new connection on a closed tuple
        it = flows_.end();
    }
    if (it == flows_.end()) {
        // A flow starts at a SYN or at the first byte of payload; stray ACKs
        // and FINs of connections we never saw carry nothing to follow.
        if (!syn && !has_bytes) return;
        auto flow = std::make_unique<Flow>();
        flow->info = FlowInfo{next_id_++, client, server, syn, seg.ts};
        flow->handler = factory_(flow->info);
        it = flows_.emplace(std::pair{client, server}, std::move(flow)).first;
    }
    Flow& flow = *it->second;
    if (!flow.handler) return;

    HalfStream& mine = to_server ? flow.to_server : flow.to_client;
    HalfStream& peer = to_server ? flow.to_client : flow.to_server;
    Direction dir = to_server ? Direction::to_server : Direction::to_client;
    Direction peer_dir = to_server ? Direction::to_client : Direction::to_server;

    if (syn) {
        mine.on_syn(seg.seq);
        return;
    }
    if ((seg.flags & tcp_flag::ack) != 0) peer.on_peer_ack({*flow.handler, peer_dir, seg.ts}, seg.ack);
    mine.on_segment({*flow.handler, dir, seg.ts}, seg.seq, seg.payload, seg.missing,
                    (seg.flags & tcp_flag::fin) != 0, anomalies_, limits_.out_of_order_bytes);
    if ((seg.flags & tcp_flag::rst) != 0) {
        close(it, seg.ts, CloseReason::rst);
    } else if (mine.finished() && peer.finished()) {
        close(it, seg.ts, CloseReason::fin);
    }
}

void Reassembler::close(decltype(flows_)::iterator it, Timestamp ts, CloseReason why) {
    Flow& flow = *it->second;
    flow.to_server.flush({*flow.handler, Direction::to_server, ts});
    flow.to_client.flush({*flow.handler, Direction::to_client, ts});
    flow.handler->on_close(ts, why);
    flow.handler.reset();
    flow.to_server = HalfStream{};
    flow.to_client = HalfStream{};
}

void Reassembler::finish(Timestamp ts) {
    // Close in order of first appearance so the output does not depend on
    // the hash table's layout.
    std::vector<decltype(flows_)::iterator> open;
    for (auto it = flows_.begin(); it != flows_.end(); ++it) {
        if (it->second->handler) open.push_back(it);
    }
    std::sort(open.begin(), open.end(), [](auto a, auto b) { return a->second->info.id < b->second->info.id; });
    for (auto it : open) close(it, ts, CloseReason::end_of_capture);
}

}  // namespace ftpsniff
