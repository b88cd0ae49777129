#include "ip_defrag.hpp"

#include <algorithm>
#include <cstring>

namespace ftpsniff {

namespace {

constexpr std::uint32_t kMaxDatagram = 65535;

}  // namespace

IpDefragmenter::~IpDefragmenter() {
    for (auto& [key, d] : pending_) budget_.refund(d.data.size());
}

void IpDefragmenter::drop(std::map<FragmentKey, Datagram>::iterator it) {
    budget_.refund(it->second.data.size());
    pending_.erase(it);
}

void IpDefragmenter::expire(Timestamp now) {
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (now.sec - it->second.first_seen.sec > limits_.timeout_sec) {
            anomalies_.add(Anomaly::ip_fragment_timeout);
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
        if (!budget_.charge(end - d.data.size())) return false;
        d.data.resize(end);
    }
    // Bytes already held stay; new ones fill only the holes between them.
    std::uint32_t cursor = offset;
    bool conflict = false;
    auto copy = [&](std::uint32_t from, std::uint32_t to) {
        if (from < to) std::memcpy(d.data.data() + from, bytes.data() + (from - offset), to - from);
    };
    for (auto [hb, he] : d.have) {
        if (he <= offset || hb >= end) continue;
        std::uint32_t ob = std::max(hb, offset), oe = std::min(he, end);
        if (std::memcmp(d.data.data() + ob, bytes.data() + (ob - offset), oe - ob) != 0) conflict = true;
        if (hb > cursor) copy(cursor, hb);
        cursor = std::max(cursor, he);
    }
    if (cursor < end) copy(cursor, end);
    if (conflict) anomalies_.add(Anomaly::ip_fragment_conflict);

    d.have.emplace_back(offset, end);
    std::sort(d.have.begin(), d.have.end());
    std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
    for (auto r : d.have) {
        if (!merged.empty() && r.first <= merged.back().second) {
            merged.back().second = std::max(merged.back().second, r.second);
        } else {
            merged.push_back(r);
        }
    }
    d.have = std::move(merged);
    return true;
}

std::optional<IpDefragmenter::Whole> IpDefragmenter::add(const FragmentKey& key, Timestamp ts, std::uint32_t offset,
                                                         bool more, std::span<const std::uint8_t> bytes) {
    expire(ts);
    if (offset + bytes.size() > kMaxDatagram) {
        anomalies_.add(Anomaly::bad_fragment_offset);
        return std::nullopt;
    }
    auto it = pending_.find(key);
    if (it == pending_.end()) {
        if (pending_.size() >= limits_.max_datagrams) {
            anomalies_.add(Anomaly::ip_fragment_cap_hit);
            return std::nullopt;
        }
        it = pending_.emplace(key, Datagram{ts, {}, {}, {}}).first;
    }
    Datagram& d = it->second;
    if (!store(d, offset, bytes)) {
        anomalies_.add(Anomaly::memory_cap_hit);
        drop(it);
        return std::nullopt;
    }
    if (!more && !d.end) d.end = static_cast<std::uint32_t>(offset + bytes.size());
    if (!d.end || d.have.front().first != 0 || d.have.front().second < *d.end) return std::nullopt;

    // One finished datagram (at most 64 KiB) lives outside the budget until
    // the next call.
    budget_.refund(d.data.size());
    whole_ = std::move(d.data);
    whole_.resize(*d.end);
    std::uint8_t protocol = key.protocol;
    pending_.erase(it);
    return Whole{whole_, protocol};
}

}  // namespace ftpsniff
