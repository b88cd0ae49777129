// Overwrites the argument of every PASS command in the client-to-server
// packets of control connections with '*', byte for byte, so a capture
// written with -w can be attached in public. It follows each connection's
// bytes in sequence order, so a password split across packets is found.
// Where a packet's place in the stream is unknown (a retransmission, a
// packet ahead of a hole or behind where following began) its first line is
// starred whole unless the packet starts with "PASS ": too much rather than
// too little.
#pragma once

#include "ftpsniff/decode.hpp"

#include <cstdint>
#include <span>

namespace ftpsniff {

class PasswordRedactor {
public:
    // `payload` is a writable copy of `seg`'s payload, which goes to the server.
    // Returns whether anything was overwritten.
    bool redact(const TcpSegment& seg, std::span<std::uint8_t> payload);

private:
    enum class State : std::uint8_t { verb, secret, other_line };
    struct Scan {
        State state = State::verb;
        std::uint8_t matched = 0;  // bytes of "PASS " matched at the line start
    };
    struct Flow {
        std::uint32_t next = 0;  // sequence number of the next byte in order
        Scan scan;
    };

    static bool scan(Scan& state, std::span<std::uint8_t> bytes);
    // Bytes whose place in the stream is unknown; `state` is left as they end.
    static bool scan_unknown(std::span<std::uint8_t> bytes, Scan& state);

    EndpointPairMap<Flow> flows_;  // (client, server)
};

}  // namespace ftpsniff
