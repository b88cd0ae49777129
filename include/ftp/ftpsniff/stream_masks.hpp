// What -w must not write as captured, for one direction of a control
// connection, in the reassembler's stream positions (0 is the first byte
// after the SYN, or the first byte seen when the connection was picked up).
// The FTP session adds each range as it decides it, with what to write
// instead: a masked range is always "****", whatever its length, so the
// capture does not tell how long a password was; an anonymized line is
// its anonymized text. The bytes after a range move by the difference, and
// so do this direction's sequence numbers and the other direction's
// acknowledgements. Bytes from decided_to() on are not decided yet: -w holds
// the packets that carry them.
#pragma once

#include "ftpsniff/timestamp.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

class StreamMasks {
public:
    static constexpr std::string_view kMask = "****";
    // Ranges kept for mapping; the oldest half is folded into one shift past
    // this, and packets before the folded part are no longer written.
    static constexpr std::size_t kKept = 512;

    // The session's side.
    void start(std::uint32_t base_seq) {
        base_ = base_seq;
        started_ = true;
    }
    // Masks [from, to); ranges come in stream order. What was decided is
    // not changed: the part of a range before decided_to() is dropped.
    void add(std::uint64_t from, std::uint64_t to);
    // The same, written as `with`.
    void replace(std::uint64_t from, std::uint64_t to, std::string with);
    // Decisions only move forward: packets before them may be written.
    void decide_to(std::uint64_t pos) { decided_ = std::max(decided_, pos); }

    // The writer's side.
    [[nodiscard]] bool started() const { return started_; }
    [[nodiscard]] bool identity() const { return ranges_.empty() && folded_to_ == 0; }
    [[nodiscard]] std::uint64_t decided_to() const { return decided_; }
    // Position of `seq`, taken within 2^31 of what is decided; negative:
    // before position 0.
    [[nodiscard]] std::int64_t position(std::uint32_t seq) const;
    // Where position `pos` lies in the written stream; none for a position
    // in the folded part.
    [[nodiscard]] std::optional<std::uint64_t> map(std::uint64_t pos) const;
    // The sequence number `seq` becomes; none where map() has none.
    [[nodiscard]] std::optional<std::uint32_t> map_seq(std::uint32_t seq) const;
    // Appends the bytes at [pos, pos + bytes.size()) as written: each range
    // that starts among them becomes its text, the rest of a range nothing.
    // `doubtful` bytes (they may differ from what the session read) become
    // '*' one for one.
    void rewrite(std::uint64_t pos, std::span<const std::uint8_t> bytes, bool doubtful,
                 std::vector<std::uint8_t>& out) const;

private:
    struct Range {
        std::uint64_t from;
        std::uint64_t to;
        std::string with;
        [[nodiscard]] std::int64_t shift() const;  // how much longer it is written
    };
    void fold();

    bool started_ = false;
    std::uint32_t base_ = 0;
    std::uint64_t decided_ = 0;
    std::vector<Range> ranges_;
    std::int64_t total_shift_ = 0;  // what all ranges, folded ones too, move later bytes by
    std::uint64_t folded_to_ = 0;   // positions before this are not mapped
};

// What -w writes instead of a line when that differs from the line
// (--anonymize), given the line as shown, passwords already masked.
class LineRewriter {
public:
    virtual ~LineRewriter() = default;
    // Valid until the next call.
    virtual std::string_view rewrite(std::string_view line, bool from_client) = 0;
};

// Both directions of one control connection, shared by its FTP session and
// the -w writer, which outlives the session for the connection's late packets.
struct ConnectionMasks {
    StreamMasks to_server;
    StreamMasks to_client;
    bool closed = false;  // the session ended: nothing more will be decided
    Timestamp closed_at;

    StreamMasks& of(bool server_bound) { return server_bound ? to_server : to_client; }
};

}  // namespace ftpsniff
