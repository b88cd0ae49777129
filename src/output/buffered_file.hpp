// Collects output in memory and writes it in large blocks.
#pragma once

#include <cstdio>
#include <string>

namespace ftpsniff {

class BufferedFile {
public:
    explicit BufferedFile(std::FILE* f) : f_(f) { buf_.reserve(kFlushAt * 2); }
    BufferedFile(const BufferedFile&) = delete;
    BufferedFile& operator=(const BufferedFile&) = delete;
    ~BufferedFile() { flush(); }

    std::string& buffer() { return buf_; }
    // Call after each record: writes once enough has gathered.
    void commit() {
        if (buf_.size() >= kFlushAt) flush();
    }
    void flush() {
        if (!buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), f_);
        buf_.clear();
        std::fflush(f_);
    }

private:
    static constexpr std::size_t kFlushAt = 1 << 16;
    std::FILE* f_;
    std::string buf_;
};

}  // namespace ftpsniff
