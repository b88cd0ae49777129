// One direction of a TCP connection: sequence tracking and the out-of-order
// buffer. Positions are 64-bit offsets from where tracking began, so the
// buffer's order survives sequence-number wraparound.
#pragma once

#include "ftpsniff/reassembly.hpp"

#include <map>
#include <optional>
#include <vector>

namespace ftpsniff {

class HalfStream {
public:
    // Where the events of this direction go, and what they are stamped with.
    struct Out {
        StreamHandler& handler;
        Direction dir;
        Timestamp ts;
    };

    void on_syn(std::uint32_t seq);
    void on_segment(const Out& out, std::uint32_t seq, std::span<const std::uint8_t> payload, std::uint32_t missing,
                    bool fin, AnomalyCounts& anomalies, std::size_t ooo_cap);
    // The peer acknowledged `ack`: bytes before it were sent, so any still
    // missing here were lost by the capture.
    void on_peer_ack(const Out& out, std::uint32_t ack);
    // Delivers everything buffered, with gaps for the holes between.
    void flush(const Out& out);

    [[nodiscard]] bool finished() const { return fin_at_ && next_ >= *fin_at_; }
    [[nodiscard]] std::size_t buffered_bytes() const { return ooo_bytes_; }

private:
    struct Pending {
        std::vector<std::uint8_t> bytes;
        std::uint32_t missing = 0;
    };

    [[nodiscard]] std::uint64_t position_of(std::uint32_t seq) const;
    void deliver(const Out& out, std::uint64_t at, std::span<const std::uint8_t> bytes, std::uint32_t missing);
    void drain(const Out& out);
    void skip_to(const Out& out, std::uint64_t target);

    bool synced_ = false;
    std::uint32_t base_seq_ = 0;  // sequence number of position 0
    std::uint64_t next_ = 0;      // next position expected
    std::optional<std::uint64_t> fin_at_;
    std::map<std::uint64_t, Pending> ooo_;
    std::size_t ooo_bytes_ = 0;
};

}  // namespace ftpsniff
