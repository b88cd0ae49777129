// Reassembles IPv4 and IPv6 fragments into whole datagrams (RFC 791,
// RFC 8200 §4.5), bounded in count, bytes and capture time. Where fragments
// overlap, the bytes that arrived first are kept (as for TCP), and a
// fragment that disagrees with them is counted as a conflict.
//
// Which bytes are present is a bitmap beside the data, with a count of them,
// so a fragment costs time in its own length whatever the order of arrival:
// a datagram sent as 8-byte fragments is rebuilt in linear time.
#pragma once

#include "ftpsniff/capture.hpp"
#include "ftpsniff/decode.hpp"
#include "ftpsniff/decode_anomaly.hpp"
#include "ftpsniff/memory_budget.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace ftpsniff {

struct FragmentKey {
    IpAddress src;
    IpAddress dst;
    std::uint32_t id = 0;
    std::uint8_t protocol = 0;  // IPv4 protocol; IPv6 next header of the fragmentable part

    friend auto operator<=>(const FragmentKey&, const FragmentKey&) = default;
};

class IpDefragmenter {
public:
    struct Whole {
        std::span<const std::uint8_t> payload;  // valid until the next add()
        std::uint8_t protocol;
    };

    IpDefragmenter(DefragLimits limits, MemoryBudget& budget, AnomalyCounts& anomalies)
        : limits_(limits), budget_(budget), anomalies_(anomalies) {}
    ~IpDefragmenter();

    // Adds one fragment (`offset` in bytes); returns the datagram's payload
    // once every byte from 0 to the end of the last fragment is present.
    std::optional<Whole> add(const FragmentKey& key, Timestamp ts, std::uint32_t offset, bool more,
                             std::span<const std::uint8_t> bytes);

    // Bitmap words looked at so far, for tests of the cost.
    [[nodiscard]] std::uint64_t words_visited() const { return words_visited_; }

private:
    struct Datagram {
        Timestamp first_seen;
        std::vector<std::uint8_t> data;
        std::vector<std::uint64_t> present;   // bit i: data[i] arrived
        std::uint32_t present_below_end = 0;  // bits set before `end` (all of them until it is known)
        std::optional<std::uint32_t> end;     // set by the last fragment
    };
    // What a datagram of `size` bytes is charged: its data and its bitmap.
    static std::size_t cost(std::size_t size) { return size + (size + 63) / 64 * 8; }

    void expire(Timestamp now);
    void drop(std::map<FragmentKey, Datagram>::iterator it);
    bool store(Datagram& d, std::uint32_t offset, std::span<const std::uint8_t> bytes);

    DefragLimits limits_;
    MemoryBudget& budget_;
    AnomalyCounts& anomalies_;
    std::map<FragmentKey, Datagram> pending_;
    std::vector<std::uint8_t> whole_;
    std::uint64_t words_visited_ = 0;
};

}  // namespace ftpsniff
