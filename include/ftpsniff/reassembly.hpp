// Reassembly stage: follows TCP connections in both directions and turns
// segments into ordered byte-stream events. It knows sequence numbers and
// bytes, nothing of FTP.
//
// Per direction: in-order payload is handed on as a span into the capture's
// buffer (no copy); retransmitted bytes are dropped (the first copy wins);
// segments ahead of the expected sequence number are copied into an
// out-of-order buffer, capped in bytes, and delivered once the hole fills.
// A hole is declared a gap, never filled with invented bytes, when the peer
// acknowledges past it, when the buffer cap is hit, when the flow closes, or
// at the end of the capture.
#pragma once

#include "ftpsniff/anomaly.hpp"
#include "ftpsniff/capture.hpp"
#include "ftpsniff/decode.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>

namespace ftpsniff {

// RFC 1982 serial-number arithmetic on 32-bit TCP sequence numbers: how far
// `a` lies after `b` (negative: before), valid within 2^31 of each other.
constexpr std::int32_t seq_diff(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b); }

enum class Direction : std::uint8_t { to_server, to_client };

enum class CloseReason : std::uint8_t { fin, rst, end_of_capture };

struct FlowInfo {
    std::uint64_t id = 0;  // 1, 2, ... in order of first packet
    Endpoint client;
    Endpoint server;
    bool handshake_seen = false;
    Timestamp first_seen;
};

// Receives the events of one flow; owned by the reassembler.
class StreamHandler {
public:
    virtual ~StreamHandler() = default;
    virtual void on_data(Direction dir, Timestamp ts, std::span<const std::uint8_t> bytes) = 0;
    // `length` bytes of the stream are missing from the capture.
    virtual void on_gap(Direction dir, Timestamp ts, std::uint64_t length) = 0;
    virtual void on_close(Timestamp ts, CloseReason why) = 0;
};

using HandlerFactory = std::function<std::unique_ptr<StreamHandler>(const FlowInfo&)>;

struct ReassemblyLimits {
    std::size_t out_of_order_bytes = 1 << 20;  // per direction
};

class Reassembler {
public:
    Reassembler(HandlerFactory factory, AnomalyCounts& anomalies, ReassemblyLimits limits = {});
    ~Reassembler();

    // `to_server` says which way the segment travels; the caller decides
    // which endpoint is the server (the FTP port).
    void feed(const TcpSegment& seg, bool to_server);
    // Delivers what is still buffered and closes every flow.
    void finish(Timestamp ts);

    [[nodiscard]] std::uint64_t flows_seen() const { return next_id_ - 1; }

private:
    struct Flow;
    struct KeyHash {
        std::size_t operator()(const std::pair<Endpoint, Endpoint>& k) const;
    };
    void close(std::unordered_map<std::pair<Endpoint, Endpoint>, std::unique_ptr<Flow>, KeyHash>::iterator it,
               Timestamp ts, CloseReason why);

    HandlerFactory factory_;
    AnomalyCounts& anomalies_;
    ReassemblyLimits limits_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::pair<Endpoint, Endpoint>, std::unique_ptr<Flow>, KeyHash> flows_;
};

}  // namespace ftpsniff
