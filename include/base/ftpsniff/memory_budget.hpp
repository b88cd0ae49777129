// One budget for the bytes ftpsniff holds on behalf of the capture: buffered
// out-of-order segments, IP fragments, partial lines, open replies and flow
// state. Each holder charges what it keeps and refunds what it frees; a
// holder that would pass the limit refuses the bytes and reports
// memory_cap_hit instead (--max-memory).
#pragma once

#include <cstddef>

namespace ftpsniff {

class MemoryBudget {
public:
    explicit MemoryBudget(std::size_t limit) : limit_(limit) {}

    // Takes `bytes` if they fit; false (and nothing taken) otherwise.
    [[nodiscard]] bool charge(std::size_t bytes) {
        if (bytes > limit_ - used_) return false;
        used_ += bytes;
        return true;
    }
    void refund(std::size_t bytes) { used_ -= bytes < used_ ? bytes : used_; }

    [[nodiscard]] std::size_t used() const { return used_; }
    [[nodiscard]] std::size_t limit() const { return limit_; }

private:
    std::size_t limit_;
    std::size_t used_ = 0;
};

}  // namespace ftpsniff
