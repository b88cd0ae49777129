// Where each byte of the line being read lies in the stream. Telnet hands on
// runs of the stream's own bytes with its commands taken out between them,
// so a line's columns are stream positions run by run. A line that ends
// starts the next where its LF was. Columns past the longest line kept are
// not tracked (nothing shows them), so a line full of Telnet commands costs
// no more than one of that length.
#pragma once

#include <absl/container/inlined_vector.h>

#include <cstddef>
#include <cstdint>

namespace ftpsniff {

class LinePositions {
public:
    explicit LinePositions(std::size_t max_column) : max_column_(max_column) {}

    // A run of `size` bytes, from stream position `at`, joins the line.
    void run(std::uint64_t at, std::size_t size) {
        if (at != end_ && columns() <= max_column_) runs_.push_back({columns(), at});
        end_ = at + size;
    }
    // The next line begins at `at` (after an LF, or after a gap).
    void restart(std::uint64_t at) {
        runs_.clear();
        runs_.push_back({0, at});
        if (end_ < at) end_ = at;
    }
    // Where the bytes that make a column begin: right after the column
    // before. Telnet bytes between two columns go with the second, so a
    // range from or to a column never splits an escaped IAC (IAC IAC).
    [[nodiscard]] std::uint64_t boundary(std::size_t column) const {
        return column == 0 ? start() : position(column - 1) + 1;
    }
    [[nodiscard]] std::uint64_t start() const { return runs_.front().at; }

private:
    [[nodiscard]] std::uint64_t position(std::size_t column) const {
        std::size_t i = runs_.size();
        while (i > 1 && runs_[i - 1].column > column) --i;
        return runs_[i - 1].at + (column - runs_[i - 1].column);
    }

    struct Run {
        std::size_t column;
        std::uint64_t at;
    };
    [[nodiscard]] std::size_t columns() const {
        return runs_.back().column + static_cast<std::size_t>(end_ - runs_.back().at);
    }

    std::size_t max_column_;
    absl::InlinedVector<Run, 2> runs_{{0, 0}};  // a line without Telnet commands allocates nothing
    std::uint64_t end_ = 0;                     // where the last run ends
};

}  // namespace ftpsniff
