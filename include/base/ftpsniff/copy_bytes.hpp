// memcpy for the short copies output and hand-over are made of (keys,
// names, numbers, short texts): a call to memcpy costs more than the copy
// itself below 16 bytes. Overlapping word moves cover each length range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ftpsniff {

// Copies `n` bytes from `in` to `out` (which must not overlap); returns the
// end of the copy.
template <class Byte>
inline Byte* copy_bytes(Byte* out, const void* in, std::size_t n) {
    static_assert(sizeof(Byte) == 1);
    const auto* from = static_cast<const unsigned char*>(in);
    if (n > 16) {
        std::memcpy(out, from, n);
    } else if (n >= 8) {
        std::uint64_t head = 0, tail = 0;
        std::memcpy(&head, from, 8);
        std::memcpy(&tail, from + n - 8, 8);
        std::memcpy(out, &head, 8);
        std::memcpy(out + n - 8, &tail, 8);
    } else if (n >= 4) {
        std::uint32_t head = 0, tail = 0;
        std::memcpy(&head, from, 4);
        std::memcpy(&tail, from + n - 4, 4);
        std::memcpy(out, &head, 4);
        std::memcpy(out + n - 4, &tail, 4);
    } else {
        for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<Byte>(from[i]);
    }
    return out + n;
}

}  // namespace ftpsniff
