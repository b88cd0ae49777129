// One direction of a TCP connection: sequence tracking and the out-of-order
// buffer. Positions are 64-bit offsets from where tracking began, so the
// buffer's order survives sequence-number wraparound.
//
// The first copy of a byte wins. To tell a faithful retransmission from a
// conflicting one, the last kRecent delivered bytes are kept and compared
// with any segment that overlaps them; buffered segments are compared with
// each other as they arrive.
#pragma once

#include "ftpsniff/memory_budget.hpp"
#include "ftpsniff/reassembly.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace ftpsniff {

class HalfStream {
public:
    static constexpr std::size_t kRecent = 512;

    // Where the events of this direction go, and what they are stamped with.
    struct Out {
        StreamHandler& handler;
        Direction dir;
        Timestamp ts;
        AnomalyCounts& anomalies;
    };

    explicit HalfStream(MemoryBudget& budget) : budget_(budget) {}
    HalfStream(const HalfStream&) = delete;
    HalfStream& operator=(const HalfStream&) = delete;
    ~HalfStream() { release_buffer(); }

    void on_syn(const Out& out, std::uint32_t seq);
    // The other side spoke: bytes held at a pickup wait no longer.
    void release(const Out& out);
    [[nodiscard]] bool holding() const { return holding_; }
    void on_segment(const Out& out, std::uint32_t seq, std::span<const std::uint8_t> payload, std::uint32_t missing,
                    bool fin, std::size_t ooo_cap);
    // The peer acknowledged `ack`: bytes before it were sent, so any still
    // missing here were lost by the capture.
    void on_peer_ack(const Out& out, std::uint32_t ack);
    // Delivers everything buffered, with gaps for the holes between.
    void flush(const Out& out);

    [[nodiscard]] bool finished() const { return fin_at_ && next_ >= *fin_at_; }
    // Whether `length` bytes at `seq` reach past what was delivered (or this
    // direction has not started): bytes not seen before.
    [[nodiscard]] bool extends(std::uint32_t seq, std::uint64_t length) const {
        return !synced_ || position_of(seq) + length > next_;
    }
    // Whether bytes met since the last call may differ from those delivered
    // at their place (see Reassembler::last_feed_doubtful).
    bool take_doubt() { return std::exchange(doubt_, false); }

private:
    struct Pending {
        std::vector<std::uint8_t> bytes;
        std::uint32_t missing = 0;  // bytes after `bytes` the snap length cut off
        [[nodiscard]] std::uint64_t length() const { return bytes.size() + missing; }
    };

public:
    // What buffering `size` bytes costs the memory budget: the map node and
    // the vector's block as the allocator hands them out (a 16-byte
    // granule, an 8-byte header, 32 bytes at least each), not just the
    // payload. A one-byte segment costs 112 bytes.
    static constexpr std::size_t pending_cost(std::size_t size) {
        auto block = [](std::size_t n) { return std::max<std::size_t>(32, (n + 8 + 15) / 16 * 16); };
        return block(sizeof(std::pair<const std::uint64_t, Pending>) + 4 * sizeof(void*)) + (size ? block(size) : 0);
    }

private:
    [[nodiscard]] std::uint64_t position_of(std::uint32_t seq) const;
    void deliver(const Out& out, std::uint64_t at, std::span<const std::uint8_t> bytes, std::uint32_t missing);
    void drain(const Out& out);
    void skip_to(const Out& out, std::uint64_t target);
    void buffer(const Out& out, std::uint64_t at, std::span<const std::uint8_t> bytes, std::uint32_t missing);
    void remember(std::uint64_t at, std::span<const std::uint8_t> bytes);
    // Also notes a doubt when part of `bytes` is too old to compare.
    [[nodiscard]] bool conflicts_with_recent(std::uint64_t at, std::span<const std::uint8_t> bytes);
    void release_buffer();

    MemoryBudget& budget_;
    // How far before a picked-up stream's first bytes a segment may start
    // and still take their place.
    static constexpr std::int32_t kLongestRebase = 64 * 1024;

    bool earlier_start(std::uint32_t seq, std::uint64_t len);

    bool synced_ = false;
    bool doubt_ = false;
    bool holding_ = false;        // picked up: the first bytes wait for the packet after them
    std::uint32_t base_seq_ = 0;  // sequence number of position 0
    std::uint64_t next_ = 0;      // next position expected
    std::optional<std::uint64_t> fin_at_;
    std::map<std::uint64_t, Pending> ooo_;
    std::size_t ooo_bytes_ = 0;      // payload held, for the per-direction cap
    std::size_t ooo_charged_ = 0;    // what it costs, as charged to the budget
    std::uint64_t recent_from_ = 0;  // `recent_` holds delivered bytes from here to next_
    // Only what remember() wrote is read, so it starts unset: zeroing it
    // would touch 16 cache lines for every new connection.
    std::array<std::uint8_t, kRecent> recent_;
};

}  // namespace ftpsniff
