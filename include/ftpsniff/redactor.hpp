// Overwrites the argument of every PASS command in the client-to-server
// packets of control connections with '*', byte for byte, so a capture
// written with -w can be attached in public. It follows each connection's
// bytes in sequence order: a password split across packets is found, a
// retransmission gets the same stars, and where the order is unknown (a
// connection picked up mid-way, a packet ahead of a hole) the line in doubt
// is starred whole: too much rather than too little.
#pragma once

#include "ftpsniff/decode.hpp"

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace ftpsniff {

class PasswordRedactor {
public:
    // `payload` is a writable copy of `seg`'s payload, which goes to the server.
    // Returns whether anything was overwritten.
    bool redact(const TcpSegment& seg, std::span<std::uint8_t> payload);

private:
    enum class State : std::uint8_t { verb, secret, other_line };
    struct Range {
        std::uint32_t start;
        std::uint32_t length;
    };
    struct Scan {
        State state = State::verb;
        std::uint8_t matched = 0;  // bytes of "PASS " matched at the line start
    };
    struct Flow {
        std::uint32_t origin = 0;  // the first sequence number followed
        std::uint32_t next = 0;    // sequence number of the next byte in order
        Scan scan;
        std::vector<Range> secrets;  // the latest ranges starred, for retransmissions
        // The latest hole a packet jumped: bytes not yet scanned, and the
        // scan as it stood at its start.
        Range hole{0, 0};
        Scan hole_scan;
    };

    static void remember(Flow& flow, std::uint32_t start);
    bool scan(Flow& flow, Scan& state, std::uint32_t seq, std::span<std::uint8_t> bytes);

    std::unordered_map<std::pair<Endpoint, Endpoint>, Flow, EndpointPairHash> flows_;  // (client, server)
};

}  // namespace ftpsniff
