// Counts the TLS records of one direction of an encrypted control
// connection from their 5-byte headers (RFC 8446 §5.1: content type,
// legacy version 3.x, length), without reading what they hold: enough to
// tell a handshake that never got to a command from a working session.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace ftpsniff {

class TlsRecords {
public:
    void feed(std::span<const std::uint8_t> bytes);
    // Bytes are missing: the headers can no longer be found.
    void lose() { lost_ = true; }

    [[nodiscard]] std::uint32_t records() const { return records_; }
    // Alerts (content type 21) sent before this side encrypted anything.
    [[nodiscard]] std::uint32_t alerts() const { return alerts_; }
    // Every byte so far was read as whole TLS records.
    [[nodiscard]] bool readable() const { return !lost_; }

private:
    std::array<std::uint8_t, 5> header_{};
    std::uint8_t have_ = 0;
    std::uint32_t body_left_ = 0;
    std::uint32_t records_ = 0;
    std::uint32_t alerts_ = 0;
    bool lost_ = false;
    bool encrypted_ = false;
};

}  // namespace ftpsniff
