// A bounds-checked reader over untrusted bytes. Every decoder reads through
// one of these: a read that would pass the end fails and consumes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ftpsniff {

class ByteCursor {
public:
    explicit ByteCursor(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    [[nodiscard]] std::size_t remaining() const { return bytes_.size() - pos_; }
    [[nodiscard]] std::size_t position() const { return pos_; }
    [[nodiscard]] std::span<const std::uint8_t> rest() const { return bytes_.subspan(pos_); }

    [[nodiscard]] bool skip(std::size_t n) {
        if (n > remaining()) return false;
        pos_ += n;
        return true;
    }

    [[nodiscard]] bool u8(std::uint8_t& out) {
        if (remaining() < 1) return false;
        out = bytes_[pos_++];
        return true;
    }

    [[nodiscard]] bool be16(std::uint16_t& out) {
        if (remaining() < 2) return false;
        out = static_cast<std::uint16_t>(bytes_[pos_] << 8 | bytes_[pos_ + 1]);
        pos_ += 2;
        return true;
    }

    [[nodiscard]] bool le16(std::uint16_t& out) {
        if (remaining() < 2) return false;
        out = static_cast<std::uint16_t>(bytes_[pos_] | bytes_[pos_ + 1] << 8);
        pos_ += 2;
        return true;
    }

    [[nodiscard]] bool be32(std::uint32_t& out) {
        if (remaining() < 4) return false;
        out = static_cast<std::uint32_t>(bytes_[pos_]) << 24 | static_cast<std::uint32_t>(bytes_[pos_ + 1]) << 16 |
              static_cast<std::uint32_t>(bytes_[pos_ + 2]) << 8 | static_cast<std::uint32_t>(bytes_[pos_ + 3]);
        pos_ += 4;
        return true;
    }

    [[nodiscard]] bool take(std::size_t n, std::span<const std::uint8_t>& out) {
        if (n > remaining()) return false;
        out = bytes_.subspan(pos_, n);
        pos_ += n;
        return true;
    }

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

}  // namespace ftpsniff
