// A file in /tmp holding the given bytes, removed when the test is done.
#pragma once

#include "capture_builder.hpp"

#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <string>

namespace ftpsniff::test {

class TempFile {
public:
    explicit TempFile(const Bytes& bytes) {
        int fd = mkstemp(path_);
        close(fd);
        std::ofstream(path_, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() { std::remove(path_); }
    [[nodiscard]] std::string path() const { return path_; }

private:
    char path_[32] = "/tmp/ftpsniff-read-XXXXXX";
};

}  // namespace ftpsniff::test
