// Synthetic traffic for the benchmark: FTP sessions with their data
// connections, and bulk TCP flows that are not FTP. Each is a Stream that
// yields its packets in order; the generator interleaves many streams.
#pragma once

#include "capture_builder.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <variant>

namespace ftpsniff::bench {

using test::Conversation;
using test::Packet;

// Seeded and the same on every platform (the standard distributions are not).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : s_(seed ^ 0x9e3779b97f4a7c15ULL) {}
    std::uint64_t next() {  // splitmix64
        std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

private:
    std::uint64_t s_;
};

// A whole TCP connection carrying `bytes` one way in full-sized segments,
// acknowledged every second segment, made packet by packet so a large
// transfer takes no memory.
class BulkFlow {
public:
    BulkFlow(Conversation conv, bool from_server, std::uint64_t bytes, std::uint64_t seed);
    std::optional<Packet> next();

private:
    Conversation conv_;
    bool from_server_;
    std::uint64_t remaining_;
    Rng rng_;
    std::deque<Packet> queued_;  // handshake first, then the close
    bool closed_ = false;
    unsigned unacked_ = 0;
};

class Stream {
public:
    void add(Packet p) { items_.emplace_back(std::move(p)); }
    void add(std::unique_ptr<BulkFlow> flow) { items_.emplace_back(std::move(flow)); }
    std::optional<Packet> next();

private:
    std::deque<std::variant<Packet, std::unique_ptr<BulkFlow>>> items_;
};

// What a session says, so that the benchmark can check ftpsniff heard it all.
struct Expected {
    std::uint64_t sessions = 0;
    std::uint64_t commands = 0;
    std::uint64_t replies = 0;
};

struct SessionShape {
    std::uint64_t id = 0;  // makes the addresses and ports unique
    bool ipv6 = false;
    std::uint64_t data_bytes = 0;  // size of the one file listed or fetched
    double split = 0;              // chance a control segment arrives in pieces
    double reorder = 0;            // chance those pieces arrive out of order
    double retransmit = 0;         // chance a control segment is sent twice
};

// One FTP control session (login, a few commands, one transfer over a
// passive data connection, QUIT), adding what it says to `expected`.
Stream ftp_session(const SessionShape& shape, Rng& rng, Expected& expected);

// A TCP flow of `bytes` on a port that is not FTP's.
Stream bulk_stream(std::uint64_t id, std::uint64_t bytes, Rng& rng);

}  // namespace ftpsniff::bench
