#include "half_stream.hpp"

namespace ftpsniff {

void HalfStream::on_syn(std::uint32_t seq) {
    if (synced_) return;
    synced_ = true;
    base_seq_ = seq + 1;
    next_ = 0;
}

std::uint64_t HalfStream::position_of(std::uint32_t seq) const {
    // Relative to the expected position; a segment more than 2^31 behind
    // cannot be told apart from one ahead, as in TCP itself.
    std::int32_t delta = seq_diff(seq, static_cast<std::uint32_t>(base_seq_ + next_));
    if (delta < 0 && static_cast<std::uint64_t>(-static_cast<std::int64_t>(delta)) > next_) return 0;
    return next_ + delta;
}

void HalfStream::deliver(const Out& out, std::uint64_t at, std::span<const std::uint8_t> bytes,
                         std::uint32_t missing) {
    std::uint64_t end = at + bytes.size() + missing;
    if (end <= next_) return;  // retransmission: the first copy already went out
    std::uint64_t skip = next_ - at;
    if (skip < bytes.size()) {
        out.handler.on_data(out.dir, out.ts, bytes.subspan(skip));
        next_ = at + bytes.size();
    }
    if (next_ < end) {
        out.handler.on_gap(out.dir, out.ts, end - next_);
        next_ = end;
    }
}

void HalfStream::drain(const Out& out) {
    while (!ooo_.empty() && ooo_.begin()->first <= next_) {
        auto node = ooo_.extract(ooo_.begin());
        ooo_bytes_ -= node.mapped().bytes.size();
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
    }
    drain(out);
}

void HalfStream::on_segment(const Out& out, std::uint32_t seq, std::span<const std::uint8_t> payload,
                            std::uint32_t missing, bool fin, AnomalyCounts& anomalies, std::size_t ooo_cap) {
    if (!synced_) {
        // Picked up mid-stream: a zero-length gap tells the consumer that
        // the first bytes may start inside a line.
        synced_ = true;
        base_seq_ = seq;
        next_ = 0;
        out.handler.on_gap(out.dir, out.ts, 0);
    }
    std::uint64_t at = position_of(seq);
    std::uint64_t len = payload.size() + missing;
    if (fin) fin_at_ = at + len;
    if (len == 0) return;
    if (at <= next_) {
        deliver(out, at, payload, missing);
        drain(out);
        return;
    }
    if (ooo_bytes_ + payload.size() > ooo_cap) {
        anomalies.add(Anomaly::out_of_order_cap_hit);
        skip_to(out, ooo_.empty() ? at : ooo_.rbegin()->first);
        if (at <= next_) {
            deliver(out, at, payload, missing);
            drain(out);
            return;
        }
    }
    auto [it, inserted] = ooo_.try_emplace(at);
    if (!inserted) return;  // same start already buffered: the first copy wins
    it->second.bytes.assign(payload.begin(), payload.end());
    it->second.missing = missing;
    ooo_bytes_ += payload.size();
}

void HalfStream::on_peer_ack(const Out& out, std::uint32_t ack) {
    if (!synced_) return;
    std::uint64_t acked = position_of(ack);
    if (fin_at_ && acked > *fin_at_) acked = *fin_at_;  // the FIN takes a sequence number
    if (acked > next_) skip_to(out, acked);
}

void HalfStream::flush(const Out& out) {
    if (!ooo_.empty()) {
        const auto& last = *ooo_.rbegin();
        skip_to(out, last.first + last.second.bytes.size() + last.second.missing);
    }
}

}  // namespace ftpsniff
