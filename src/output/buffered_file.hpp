// Collects output in memory and writes it in large blocks.
#pragma once

#include "out_buffer.hpp"

#include "ftpsniff/escape.hpp"

#include <cstdio>
#include <string>
#include <type_traits>

namespace ftpsniff {

// `Buffer` is std::string, or OutBuffer for a renderer that writes through a cursor.
template <class Buffer>
class BasicBufferedFile {
public:
    // `each_record`: write at every commit, for a live capture read through a pipe.
    explicit BasicBufferedFile(std::FILE* f, bool each_record = false) : f_(f), flush_at_(each_record ? 0 : kFlushAt) {
        buf_.reserve(kFlushAt * 2);
    }
    BasicBufferedFile(const BasicBufferedFile&) = delete;
    BasicBufferedFile& operator=(const BasicBufferedFile&) = delete;
    ~BasicBufferedFile() { flush(); }

    Buffer& buffer() { return buf_; }
    // Call after each record: writes once enough has gathered.
    void commit() {
        if (buf_.size() >= flush_at_) flush();
    }
    // Text for a terminal without UTF-8: see ascii_typography.
    void ascii(bool on) { ascii_ = on; }
    void flush() {
        if constexpr (std::is_same_v<Buffer, std::string>) {
            if (ascii_) ascii_typography(buf_);
        }
        if (!buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), f_);
        buf_.clear();
        std::fflush(f_);
    }

private:
    static constexpr std::size_t kFlushAt = 1 << 16;
    std::FILE* f_;
    std::size_t flush_at_;
    Buffer buf_;
    bool ascii_ = false;
};

using BufferedFile = BasicBufferedFile<std::string>;

}  // namespace ftpsniff
