#include "ip_defrag.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace ftpsniff {

namespace {

constexpr std::uint32_t kMaxDatagram = 65535;

}  // namespace

IpDefragmenter::~IpDefragmenter() {
    for (auto& [key, d] : pending_) budget_.refund(cost(d.data.size()));
}

void IpDefragmenter::drop(std::map<FragmentKey, Datagram>::iterator it) {
    budget_.refund(cost(it->second.data.size()));
    pending_.erase(it);
}

void IpDefragmenter::expire(Timestamp now) {
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (now.sec - it->second.first_seen.sec > limits_.timeout_sec) {
            anomalies_.add(DecodeAnomaly::ip_fragment_timeout);
            auto gone = it++;
            drop(gone);
        } else {
            ++it;
        }
    }
}

bool IpDefragmenter::store(Datagram& d, std::uint32_t offset, std::span<const std::uint8_t> bytes) {
    auto end = static_cast<std::uint32_t>(offset + bytes.size());
    if (d.data.size() < end) {
        if (!budget_.charge(cost(end) - cost(d.data.size()))) return false;
        d.data.resize(end);
        d.present.resize((end + 63) / 64);
    }
    // Bytes already held stay; new ones fill only the holes between them.
    // A word at a time: one with no bit set is copied whole, one with every
    // bit set compared whole.
    bool conflict = false;
    for (std::uint32_t p = offset; p < end;) {
        std::uint32_t word_end = std::min(end, (p / 64 + 1) * 64);
        std::uint64_t& bits = d.present[p / 64];
        ++words_visited_;
        std::uint32_t n = word_end - p;
        std::uint64_t mask = (n == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << n) - 1)) << (p % 64);
        const std::uint8_t* src = bytes.data() + (p - offset);
        std::uint8_t* dst = d.data.data() + p;
        if ((bits & mask) == 0) {
            std::memcpy(dst, src, n);
        } else if ((bits & mask) == mask) {
            conflict = conflict || std::memcmp(dst, src, n) != 0;
        } else {
            for (std::uint32_t i = 0; i < n; ++i) {
                if ((bits >> ((p + i) % 64) & 1) != 0) {
                    conflict = conflict || dst[i] != src[i];
                } else {
                    dst[i] = src[i];
                }
            }
        }
        std::uint64_t fresh = mask & ~bits;
        bits |= mask;
        if (!d.end) {
            d.present_below_end += static_cast<std::uint32_t>(std::popcount(fresh));
        } else if (p < *d.end) {
            std::uint32_t below = *d.end - p;  // bits of this word before the end
            if (below < 64 - p % 64) fresh &= ((std::uint64_t{1} << (p % 64 + below)) - 1);
            d.present_below_end += static_cast<std::uint32_t>(std::popcount(fresh));
        }
        p = word_end;
    }
    if (conflict) anomalies_.add(DecodeAnomaly::ip_fragment_conflict);
    return true;
}

std::optional<IpDefragmenter::Whole> IpDefragmenter::add(const FragmentKey& key, Timestamp ts, std::uint32_t offset,
                                                         bool more, std::span<const std::uint8_t> bytes) {
    expire(ts);
    if (offset + bytes.size() > kMaxDatagram) {
        anomalies_.add(DecodeAnomaly::bad_fragment_offset);
        return std::nullopt;
    }
    auto it = pending_.find(key);
    if (it == pending_.end()) {
        if (pending_.size() >= limits_.max_datagrams) {
            anomalies_.add(DecodeAnomaly::ip_fragment_cap_hit);
            return std::nullopt;
        }
        it = pending_.emplace(key, Datagram{ts, {}, {}, {}, {}}).first;
    }
    Datagram& d = it->second;
    if (!store(d, offset, bytes)) {
        anomalies_.add(BudgetAnomaly::memory_cap_hit);
        drop(it);
        return std::nullopt;
    }
    if (!more && !d.end) {
        d.end = static_cast<std::uint32_t>(offset + bytes.size());
        // Bits past the end no longer count: taken off once, here.
        for (std::uint32_t p = *d.end; p < d.data.size(); ++p) {
            if ((d.present[p / 64] >> (p % 64) & 1) != 0) --d.present_below_end;
        }
    }
    if (!d.end || d.present_below_end < *d.end) return std::nullopt;

    // One finished datagram (at most 64 KiB) lives outside the budget until
    // the next call.
    budget_.refund(cost(d.data.size()));
    whole_ = std::move(d.data);
    whole_.resize(*d.end);
    std::uint8_t protocol = key.protocol;
    pending_.erase(it);
    return Whole{whole_, protocol};
}

}  // namespace ftpsniff
