#include "half_stream.hpp"

#include <algorithm>
#include <cstring>

namespace ftpsniff {

namespace {

void report(const HalfStream::Out& out, Anomaly a) {
    out.anomalies.add(a);
    out.handler.on_anomaly(out.dir, out.ts, a);
}

}  // namespace

void HalfStream::on_syn(const Out& out, std::uint32_t seq) {
    if (synced_) return;
    synced_ = true;
    base_seq_ = seq + 1;
    next_ = 0;
    out.handler.on_start(out.dir, base_seq_);
}

std::uint64_t HalfStream::position_of(std::uint32_t seq) const {
    // Relative to the expected position; a segment more than 2^31 behind
    // cannot be told apart from one ahead, as in TCP itself.
    std::int32_t delta = seq_diff(seq, static_cast<std::uint32_t>(base_seq_ + next_));
    if (delta < 0 && static_cast<std::uint64_t>(-static_cast<std::int64_t>(delta)) > next_) return 0;
    return next_ + delta;
}

void HalfStream::remember(std::uint64_t at, std::span<const std::uint8_t> bytes) {
    if (bytes.size() > kRecent) {
        at += bytes.size() - kRecent;
        bytes = bytes.last(kRecent);
    }
    std::size_t slot = at % kRecent;
    std::size_t first = std::min(bytes.size(), kRecent - slot);
    std::memcpy(recent_.data() + slot, bytes.data(), first);
    std::memcpy(recent_.data(), bytes.data() + first, bytes.size() - first);
}

bool HalfStream::conflicts_with_recent(std::uint64_t at, std::span<const std::uint8_t> bytes) {
    std::uint64_t lo = std::max({at, recent_from_, next_ >= kRecent ? next_ - kRecent : 0});
    if (lo > at) doubt_ = true;  // bytes too old to compare
    std::uint64_t hi = std::min(at + bytes.size(), next_);
    for (std::uint64_t p = lo; p < hi; ++p) {
        if (recent_[p % kRecent] != bytes[p - at]) return true;
    }
    return false;
}

void HalfStream::deliver(const Out& out, std::uint64_t at, std::span<const std::uint8_t> bytes, std::uint32_t missing) {
    std::uint64_t end = at + bytes.size() + missing;
    // A keep-alive repeats the last byte (often as garbage): no conflict.
    bool keep_alive = bytes.size() == 1 && missing == 0 && end == next_;
    if (at < next_ && !keep_alive && conflicts_with_recent(at, bytes)) {
        doubt_ = true;
        report(out, StreamAnomaly::tcp_overlap_conflict);
    }
    if (keep_alive) doubt_ = true;  // its byte is often garbage
    if (end <= next_) return;
    std::uint64_t skip = next_ - at;
    if (skip < bytes.size()) {
        auto fresh = bytes.subspan(skip);
        out.handler.on_data(out.dir, out.ts, fresh);
        remember(next_, fresh);
        next_ = at + bytes.size();
    }
    if (next_ < end) {
        out.handler.on_gap(out.dir, out.ts, end - next_);
        next_ = end;
        recent_from_ = next_;
    }
}

void HalfStream::drain(const Out& out) {
    while (!ooo_.empty() && ooo_.begin()->first <= next_) {
        auto node = ooo_.extract(ooo_.begin());
        std::size_t size = node.mapped().bytes.size();
        ooo_bytes_ -= size;
        ooo_charged_ -= pending_cost(size);
        budget_.refund(pending_cost(size));
        deliver(out, node.key(), node.mapped().bytes, node.mapped().missing);
    }
}

void HalfStream::skip_to(const Out& out, std::uint64_t target) {
    while (next_ < target) {
        drain(out);
        if (next_ >= target) break;
        std::uint64_t hole_end = ooo_.empty() ? target : std::min(target, ooo_.begin()->first);
        out.handler.on_gap(out.dir, out.ts, hole_end - next_);
        next_ = hole_end;
        recent_from_ = next_;
    }
    drain(out);
}

void HalfStream::buffer(const Out& out, std::uint64_t at, std::span<const std::uint8_t> bytes, std::uint32_t missing) {
    // Keep only the parts no earlier buffered segment covers; where they
    // overlap, compare what both captured.
    std::uint64_t end = at + bytes.size() + missing;
    std::uint64_t captured_end = at + bytes.size();
    std::vector<std::pair<std::uint64_t, std::uint64_t>> holes;
    std::uint64_t cursor = at;
    auto it = ooo_.upper_bound(at);
    if (it != ooo_.begin() && std::prev(it)->first + std::prev(it)->second.length() > at) --it;
    bool conflict = false;
    for (; it != ooo_.end() && it->first < end; ++it) {
        std::uint64_t hb = it->first, he = hb + it->second.length();
        std::uint64_t lo = std::max(hb, at), hi = std::min(hb + it->second.bytes.size(), captured_end);
        if (lo < hi && std::memcmp(it->second.bytes.data() + (lo - hb), bytes.data() + (lo - at), hi - lo) != 0) {
            conflict = true;
        }
        if (hb > cursor) holes.emplace_back(cursor, hb);
        cursor = std::max(cursor, he);
    }
    if (cursor < end) holes.emplace_back(cursor, end);
    if (conflict) {
        doubt_ = true;
        report(out, StreamAnomaly::tcp_overlap_conflict);
    }

    for (auto [b, e] : holes) {
        std::uint64_t cb = std::min(b, captured_end), ce = std::min(e, captured_end);
        std::size_t size = ce - cb;
        if (!budget_.charge(pending_cost(size))) {
            report(out, BudgetAnomaly::memory_cap_hit);
            return;  // the bytes are lost; the hole becomes a gap later
        }
        Pending& p = ooo_[b];
        p.bytes.assign(bytes.begin() + (cb - at), bytes.begin() + (ce - at));
        p.missing = static_cast<std::uint32_t>(e - b - size);
        ooo_bytes_ += size;
        ooo_charged_ += pending_cost(size);
    }
}

void HalfStream::on_segment(const Out& out, std::uint32_t seq, std::span<const std::uint8_t> payload,
                            std::uint32_t missing, bool fin, std::size_t ooo_cap) {
    std::uint64_t len = payload.size() + missing;
    if (!synced_) {
        // Picked up mid-stream: a zero-length gap tells the consumer that
        // the first bytes may start inside a line. They wait for the next
        // packet, in case it is the segment before them, reordered.
        synced_ = true;
        base_seq_ = seq;
        next_ = 0;
        out.handler.on_start(out.dir, base_seq_);
        out.handler.on_gap(out.dir, out.ts, 0);
        holding_ = len > 0;
        if (holding_) {
            if (fin) fin_at_ = len;
            buffer(out, 0, payload, missing);
            return;
        }
    } else if (holding_) {
        if (earlier_start(seq, len)) {
            out.handler.on_start(out.dir, base_seq_);
        } else {
            release(out);
        }
    }
    std::uint64_t at = position_of(seq);
    if (fin) fin_at_ = at + len;
    if (len == 0) return;
    if (at > next_ && ooo_bytes_ + payload.size() > ooo_cap) {
        report(out, StreamAnomaly::out_of_order_cap_hit);
        skip_to(out, ooo_.empty() ? at : ooo_.rbegin()->first);
    }
    if (at <= next_) {
        deliver(out, at, payload, missing);
        if (!ooo_.empty()) drain(out);  // most segments come in order: nothing waits
        return;
    }
    buffer(out, at, payload, missing);
}

// A segment that ends where the held first bytes begin, or inside them,
// becomes the start of the stream: the held bytes move after it.
bool HalfStream::earlier_start(std::uint32_t seq, std::uint64_t len) {
    std::int32_t before = seq_diff(base_seq_, seq);
    if (before <= 0 || before > kLongestRebase || len < static_cast<std::uint64_t>(before)) return false;
    auto shift = static_cast<std::uint64_t>(before);
    std::map<std::uint64_t, Pending> moved;
    while (!ooo_.empty()) {
        auto node = ooo_.extract(ooo_.begin());
        node.key() += shift;
        moved.insert(std::move(node));
    }
    ooo_.swap(moved);
    if (fin_at_) *fin_at_ += shift;
    base_seq_ = seq;
    holding_ = false;
    return true;
}

void HalfStream::release(const Out& out) {
    holding_ = false;
    drain(out);
}

void HalfStream::on_peer_ack(const Out& out, std::uint32_t ack) {
    if (!synced_) return;
    if (holding_) release(out);
    std::uint64_t acked = position_of(ack);
    if (fin_at_ && acked > *fin_at_) acked = *fin_at_;  // the FIN takes a sequence number
    if (acked > next_) skip_to(out, acked);
}

void HalfStream::flush(const Out& out) {
    holding_ = false;
    if (!ooo_.empty()) {
        const auto& last = *ooo_.rbegin();
        skip_to(out, last.first + last.second.length());
    }
}

void HalfStream::release_buffer() {
    budget_.refund(ooo_charged_);
    ooo_bytes_ = 0;
    ooo_charged_ = 0;
    ooo_.clear();
}

}  // namespace ftpsniff
