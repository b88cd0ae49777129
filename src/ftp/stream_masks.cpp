#include "ftpsniff/stream_masks.hpp"

#include "ftpsniff/reassembly.hpp"

#include <algorithm>

namespace ftpsniff {

std::int64_t StreamMasks::Range::shift() const {
    return static_cast<std::int64_t>(with.size()) - static_cast<std::int64_t>(to - from);
}

void StreamMasks::add(std::uint64_t from, std::uint64_t to) { replace(from, to, std::string(kMask)); }

void StreamMasks::replace(std::uint64_t from, std::uint64_t to, std::string with) {
    from = std::max({from, folded_to_, decided_});
    if (from >= to) return;
    // Ranges it overlaps (a line's secret over a subnegotiation masked
    // inside it, an anonymized line over its secret) become one with it,
    // written as the newer text. They lie past what was decided, so nothing
    // written used them.
    while (!ranges_.empty() && ranges_.back().to > from) {
        const Range& last = ranges_.back();
        total_shift_ -= last.shift();
        from = std::min(from, last.from);
        to = std::max(to, last.to);
        ranges_.pop_back();
    }
    ranges_.push_back({from, to, std::move(with)});
    total_shift_ += ranges_.back().shift();
    if (ranges_.size() > kKept) fold();
}

void StreamMasks::fold() {
    auto half = static_cast<std::ptrdiff_t>(ranges_.size() / 2);
    folded_to_ = ranges_[static_cast<std::size_t>(half) - 1].to;
    ranges_.erase(ranges_.begin(), ranges_.begin() + half);
}

std::int64_t StreamMasks::position(std::uint32_t seq) const {
    return static_cast<std::int64_t>(decided_) + seq_diff(seq, base_ + static_cast<std::uint32_t>(decided_));
}

std::optional<std::uint64_t> StreamMasks::map(std::uint64_t pos) const {
    // From the newest range back: packets are mostly about recent bytes.
    std::int64_t shift = total_shift_;
    for (auto it = ranges_.rbegin(); it != ranges_.rend(); ++it) {
        if (pos >= it->to) return pos + shift;
        shift -= it->shift();
        if (pos > it->from) return it->from + shift + it->with.size();  // inside: after its text
    }
    if (pos < folded_to_) return std::nullopt;
    return pos + shift;
}

std::optional<std::uint32_t> StreamMasks::map_seq(std::uint32_t seq) const {
    if (!started_ || identity()) return seq;
    std::int64_t pos = position(seq);
    if (pos < 0) return seq;  // before the stream: nothing moved it
    auto mapped = map(static_cast<std::uint64_t>(pos));
    if (!mapped) return std::nullopt;
    return static_cast<std::uint32_t>(seq + static_cast<std::uint32_t>(*mapped - static_cast<std::uint64_t>(pos)));
}

void StreamMasks::rewrite(std::uint64_t pos, std::span<const std::uint8_t> bytes, bool doubtful,
                          std::vector<std::uint8_t>& out) const {
    const std::uint64_t end = pos + bytes.size();
    auto emit = [&](std::uint64_t from, std::uint64_t to) {
        if (doubtful) {
            out.insert(out.end(), to - from, '*');
        } else {
            out.insert(out.end(), bytes.begin() + static_cast<std::ptrdiff_t>(from - pos),
                       bytes.begin() + static_cast<std::ptrdiff_t>(to - pos));
        }
    };
    std::size_t i = ranges_.size();
    while (i > 0 && ranges_[i - 1].to > pos) --i;
    std::uint64_t cursor = pos;
    for (; i < ranges_.size() && ranges_[i].from < end; ++i) {
        const Range& r = ranges_[i];
        if (r.from > cursor) emit(cursor, r.from);
        if (r.from >= pos) out.insert(out.end(), r.with.begin(), r.with.end());
        cursor = std::max(cursor, std::min(r.to, end));
    }
    if (cursor < end) emit(cursor, end);
}

}  // namespace ftpsniff
