// Shared by the fuzz targets: the entry point's name, a check that fails
// loudly, a reader that cuts the fuzzer's bytes into fields, a way to make
// AddressSanitizer look at every byte of a view, and checks of results more
// than one target sees.
#pragma once

#include "ftpsniff/data_channel.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

// libFuzzer calls LLVMFuzzerTestOneInput. The regression test links all four
// targets into one binary, so it compiles each with its own name here.
#ifndef FTPSNIFF_FUZZ_ENTRY
#define FTPSNIFF_FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

// For the harness's own loops over every byte (checks, touching): libFuzzer
// need not learn their branches, which only slow it down and distract it.
// AddressSanitizer still instruments them.
#if defined(__clang__)
#define FUZZ_UNTRACED __attribute__((no_sanitize("coverage")))
#else
#define FUZZ_UNTRACED
#endif

// A broken invariant aborts: libFuzzer saves the input as a crash, and the
// regression test dies on it, in any build type (unlike assert).
#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (0)

namespace ftpsniff::fuzz {

// Reads fields from the front of the input. Past the end every read yields
// zeros, so a target never has to handle a short input specially.
class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    [[nodiscard]] bool empty() const { return pos_ >= size_; }

    std::uint8_t u8() { return empty() ? 0 : data_[pos_++]; }

    std::uint16_t be16() {
        std::uint16_t hi = u8();
        return static_cast<std::uint16_t>(hi << 8 | u8());
    }

    // Up to `n` bytes; fewer at the end of the input.
    std::span<const std::uint8_t> take(std::size_t n) {
        std::size_t left = size_ - pos_;
        if (n > left) n = left;
        std::span<const std::uint8_t> out(data_ + pos_, n);
        pos_ += n;
        return out;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

// Reads every byte, so a view that points past its buffer is caught by
// AddressSanitizer here rather than going unnoticed.
FUZZ_UNTRACED inline void touch(std::span<const std::uint8_t> bytes) {
    volatile std::uint8_t sum = 0;
    for (std::uint8_t b : bytes) sum = static_cast<std::uint8_t>(sum + b);
    (void)sum;
}

FUZZ_UNTRACED inline void touch(std::string_view text) {
    touch(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

inline std::string_view as_text(std::span<const std::uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// What data_channel.hpp promises of a PASV/EPSV/LPSV/PORT/EPRT/LPRT parse:
// an address with a usable port, or the reason there is none.
inline void check(const DataAddressResult& r) {
    FUZZ_CHECK(r.address.has_value() == (r.error == AddressError::none));
    FUZZ_CHECK(r.address.has_value() == address_error_text(r.error).empty());
    if (!r.address) return;
    FUZZ_CHECK(r.address->port != 0);
    if (r.address->ip) FUZZ_CHECK(r.address->ip->version == 4 || r.address->ip->version == 6);
}

}  // namespace ftpsniff::fuzz
