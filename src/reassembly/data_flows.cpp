#include "ftpsniff/data_flows.hpp"

#include <algorithm>
#include <tuple>
#include <vector>

namespace ftpsniff {

void DataFlowTable::expect(const Endpoint& listener, std::uint64_t owner) {
    if (expected_.size() + flows_.size() >= max_entries_ && !expected_.contains(listener)) {
        anomalies_.add(StreamAnomaly::data_flow_cap_hit);
        return;
    }
    auto [it, fresh] = expected_.try_emplace(listener, owner);
    if (fresh) {
        ++listener_ports_[listener.port];
    } else if (it->second == owner) {
        return;  // announced again: already in the owner's list
    }
    it->second = owner;
    std::vector<Endpoint>& mine = announced_[owner];
    if (mine.size() >= 64 && mine.size() == mine.capacity()) {
        std::erase_if(mine, [&](const Endpoint& e) {
            auto found = expected_.find(e);
            return found == expected_.end() || found->second != owner;
        });
    }
    mine.push_back(listener);
}

void DataFlowTable::forget(std::uint64_t owner) {
    auto mine = announced_.find(owner);
    if (mine == announced_.end()) return;
    for (const Endpoint& listener : mine->second) {
        auto it = expected_.find(listener);
        if (it == expected_.end() || it->second != owner) continue;
        expected_.erase(it);
        --listener_ports_[listener.port];
    }
    announced_.erase(mine);
}

namespace {

// RFC 8446 §5.1: a TLS record starts with its type (22, handshake) and
// legacy version (3, x); a ClientHello is the first thing either side sends.
bool starts_tls(std::span<const std::uint8_t> payload) {
    return payload.size() >= 2 && payload[0] == 22 && payload[1] == 3;
}

}  // namespace

void DataFlowTable::withdraw(const Endpoint& listener, std::uint64_t owner) {
    auto it = expected_.find(listener);
    if (it == expected_.end() || it->second != owner) return;
    expected_.erase(it);  // the owner's list drops it when pruned or forgotten
    --listener_ports_[listener.port];
}

void DataFlowTable::track(Flow& flow, bool to_listener, const TcpSegment& seg) {
    Side& side = to_listener ? flow.to_listener : flow.to_opener;
    DataFlowReport& r = flow.report;
    const bool syn = (seg.flags & tcp_flag::syn) != 0;
    if (syn && to_listener) ++r.syns;
    // A capture may miss the SYN-ACK: any packet from the listener but a
    // reset, or bytes from the opener, show the connection was made.
    if ((!to_listener && (seg.flags & tcp_flag::rst) == 0) || (to_listener && !seg.payload.empty())) {
        r.answered = true;
    }
    std::uint32_t start = seg.seq + (syn ? 1 : 0);
    auto end = static_cast<std::uint32_t>(start + seg.payload.size() + seg.missing);
    if (!side.started) {
        side.started = true;
        side.end = start;
    }
    // Counted step by step, so a transfer past 4 GiB is not wrapped.
    if (const std::int32_t ahead = seq_diff(end, side.end); ahead > 0) {
        side.bytes += static_cast<std::uint32_t>(ahead);
        side.end = end;
    }
    if (!seg.payload.empty() && !flow.to_listener.sent_bytes && !flow.to_opener.sent_bytes) {
        r.tls = starts_tls(seg.payload);
    }
    if (!seg.payload.empty()) side.sent_bytes = true;
    const FlowSide sender = to_listener ? FlowSide::opener : FlowSide::listener;
    if ((seg.flags & tcp_flag::fin) != 0) {
        side.fin = true;
        if (r.closed_by == FlowSide::none) r.closed_by = sender;
    }
    if ((seg.flags & tcp_flag::rst) != 0) r.closed_by = sender;
    // The window field (TCP header bytes 14-15); a reset's says nothing.
    if (seg.header.size() >= 16 && (seg.flags & tcp_flag::rst) == 0) {
        side.zero_window = seg.header[14] == 0 && seg.header[15] == 0;
    }
}

bool DataFlowTable::feed(const TcpSegment& seg) {
    // A flow's listener port is counted in listener_ports_: a side whose
    // port is not cannot be its listener, and that lookup is skipped.
    const bool dst_listens = port_in_use(seg.dst.port);
    const bool src_listens = port_in_use(seg.src.port);
    if (!src_listens && !dst_listens) return false;
    Flows::iterator it = dst_listens ? flows_.find({seg.src, seg.dst}) : flows_.end();
    bool to_listener = true;
    if (it == flows_.end() && src_listens) {
        it = flows_.find({seg.dst, seg.src});
        to_listener = false;
    }
    if (it == flows_.end()) {
        bool opening = (seg.flags & tcp_flag::syn) != 0 && (seg.flags & tcp_flag::ack) == 0;
        auto expected = expected_.find(seg.dst);
        if (!opening || expected == expected_.end()) return false;
        Flow flow;
        flow.report.owner = expected->second;
        flow.report.opener = seg.src;
        flow.report.listener = seg.dst;
        flow.report.first = seg.ts;
        expected_.erase(expected);  // an announced port serves one connection; its count passes to the flow
        it = flows_.emplace(std::pair{seg.src, seg.dst}, flow).first;
        to_listener = true;
        events_.on_data_flow_open(flow.report);
    }
    Flow& flow = it->second;
    flow.report.last = seg.ts;
    track(flow, to_listener, seg);
    if ((seg.flags & tcp_flag::rst) != 0) {
        close(it, CloseReason::rst);
    } else if (flow.to_listener.fin && flow.to_opener.fin) {
        close(it, CloseReason::fin);
    }
    return true;
}

void DataFlowTable::close(Flows::iterator it, CloseReason why) {
    Flow& flow = it->second;
    flow.report.bytes_to_listener = flow.to_listener.bytes;
    flow.report.bytes_to_opener = flow.to_opener.bytes;
    // A window travels with the packets its side sends.
    flow.report.zero_window = flow.to_listener.zero_window ? FlowSide::opener
                              : flow.to_opener.zero_window ? FlowSide::listener
                                                           : FlowSide::none;
    flow.report.end = why;
    DataFlowReport report = flow.report;
    --listener_ports_[report.listener.port];
    flows_.erase(it);
    events_.on_data_flow_end(report);
}

void DataFlowTable::give_up_if_unanswered(const Endpoint& opener, const Endpoint& listener) {
    auto it = flows_.find({opener, listener});
    if (it != flows_.end() && !it->second.report.answered) close(it, CloseReason::end_of_capture);
}

void DataFlowTable::close_owner(std::uint64_t owner) {
    std::vector<Flows::iterator> mine;
    for (auto it = flows_.begin(); it != flows_.end(); ++it) {
        if (it->second.report.owner == owner) mine.push_back(it);
    }
    for (auto it : mine) close(it, CloseReason::end_of_capture);
}

void DataFlowTable::finish(Timestamp ts) {
    // In order of opening, so the output does not depend on the hash table.
    std::vector<Flows::iterator> open;
    for (auto it = flows_.begin(); it != flows_.end(); ++it) open.push_back(it);
    std::sort(open.begin(), open.end(), [](auto a, auto b) {
        return std::tie(a->second.report.first, a->second.report.opener) <
               std::tie(b->second.report.first, b->second.report.opener);
    });
    for (auto it : open) {
        it->second.report.last = std::max(it->second.report.last, ts);
        close(it, CloseReason::end_of_capture);
    }
}

}  // namespace ftpsniff
