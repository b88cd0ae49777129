// -w: writes the packets of the control connections as their FTP sessions
// read them. What a session masked (stream_masks.hpp: passwords, and bytes
// it never read) is written as "****"; the sequence and acknowledgement
// numbers after it (SACK edges too) move by the difference in length, and
// the IP lengths and the checksums are made right again, so the capture
// still reassembles in Wireshark. A packet whose bytes its session has not
// decided yet (a line still open, bytes ahead of a hole) waits, and the later
// packets of its connection with it, until they are decided. A packet whose
// bytes no session decides (its connection is not followed, or the bytes
// came after the session ended or before it began) is left out and counted.
// Bytes that may differ from what the session read (a conflicting or
// uncheckable retransmission) are written as '*'. With --anonymize the
// sessions' masks also carry their anonymized lines, and the writer puts
// pseudonyms in the IP headers and clears the link layer's addresses. With
// --with-data the data connections' packets go as they were.
#pragma once

#include "ftpsniff/capture.hpp"
#include "ftpsniff/decode.hpp"
#include "ftpsniff/memory_budget.hpp"
#include "ftpsniff/reassembly.hpp"
#include "ftpsniff/stream_masks.hpp"

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ftpsniff {

class RedactedWriter {
public:
    // An address's pseudonym (--anonymize).
    using Pseudonym = std::function<IpAddress(const IpAddress&)>;

    // `masking` false (--show-passwords, no --anonymize): every packet goes as
    // it was. `pseudonym` empty: addresses are kept.
    RedactedWriter(const std::string& path, int linktype, MemoryBudget& budget, bool masking, Pseudonym pseudonym = {});
    ~RedactedWriter();
    RedactedWriter(const RedactedWriter&) = delete;
    RedactedWriter& operator=(const RedactedWriter&) = delete;

    // A new control connection's masks, before its packets come; false when
    // the memory budget has no room for them even after closed connections
    // are forgotten (its packets with bytes are then left out).
    bool attach(const FlowInfo& flow, std::shared_ptr<ConnectionMasks> masks);
    // A control-connection packet, after the reassembler took it; `doubtful`
    // as Reassembler::last_feed_doubtful says.
    void control(const RawFrame& frame, const TcpSegment& seg, bool to_server, bool doubtful);
    void data(const RawFrame& frame);
    // At the end, once every session has ended: writes what waits and can
    // be written. Returns how many packets were left out in the whole run.
    std::uint64_t finish();

private:
    // A packet as offsets into its frame's bytes, which are its own while it waits.
    struct Packet {
        Timestamp ts;
        std::uint32_t wirelen = 0;
        std::vector<std::uint8_t> owned;
        std::span<const std::uint8_t> frame;
        std::size_t ip_at = 0, tcp_at = 0, tcp_len = 0, payload_len = 0;
        std::uint32_t missing = 0;
        bool to_server = false;
        bool doubtful = false;
    };
    struct Connection {
        std::uint64_t id = 0;
        std::shared_ptr<ConnectionMasks> masks;
        std::vector<Packet> waiting;  // oldest first; empty costs nothing, unlike a deque
        // The client's and server's pseudonyms (--anonymize); unset, 0.0.0.0 is its own.
        std::array<std::pair<IpAddress, IpAddress>, 2> pseudonyms{};
    };
    // What a connection costs the budget while it is known, beside its waiting packets.
    static constexpr std::size_t kConnectionCost = sizeof(Connection) + sizeof(ConnectionMasks) + 64;
    using Key = std::pair<Endpoint, Endpoint>;

    enum class Decided : std::uint8_t { yes, not_yet, never };
    Decided decided(const Connection& c, const Packet& p) const;
    void release(Connection& c, bool doubtful);
    void wait(Connection& c, Packet p);
    void emit(const Connection& c, const Packet& p, bool doubtful);
    bool rewrite(const Connection& c, const Packet& p, bool doubtful);
    void hide_addresses(const Connection& c, const Packet& p);
    void sweep(Timestamp now);
    // Forgets closed connections with nothing waiting that `gone` picks.
    template <class Gone>
    void forget_closed(Gone&& gone);

    PcapDumper dumper_;
    int linktype_;
    MemoryBudget& budget_;
    bool masking_;
    Pseudonym pseudonym_;
    Connection unfollowed_;                    // for the bare packets of connections no session follows
    EndpointPairMap<Connection> connections_;  // (client, server)
    std::uint64_t withheld_ = 0;
    std::int64_t last_sweep_sec_ = 0;
    std::size_t attaches_since_scan_ = 0;
    std::vector<std::uint8_t> out_;      // the frame being written
    std::vector<std::uint8_t> payload_;  // its payload as written
};

}  // namespace ftpsniff
