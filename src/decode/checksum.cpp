#include "ftpsniff/decode.hpp"

#include <cstdint>

namespace ftpsniff {

std::uint16_t tcp_checksum(const IpAddress& src, const IpAddress& dst, std::span<const std::uint8_t> tcp) {
    std::uint64_t sum = 0;
    auto add = [&sum](std::span<const std::uint8_t> bytes, std::size_t skip_at) {
        for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
            if (i != skip_at) sum += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
        }
        if (bytes.size() % 2 == 1) sum += static_cast<std::uint32_t>(bytes.back() << 8);
    };
    std::size_t alen = src.version == 4 ? 4 : 16;
    add(std::span(src.bytes).first(alen), SIZE_MAX);
    add(std::span(dst.bytes).first(alen), SIZE_MAX);
    sum += 6 + tcp.size();  // protocol and length; the same sum for both pseudo-header layouts
    add(tcp, 16);           // the checksum field counts as zero
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

}  // namespace ftpsniff
