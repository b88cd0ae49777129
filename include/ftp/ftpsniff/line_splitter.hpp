// Splits one direction of a control connection into lines. Lines end at LF
// (CRLF or bare LF; the CR is removed). A line longer than the cap is cut and
// flagged, and its excess discarded up to the next LF. A line that lies
// wholly inside one chunk is handed on as a view into that chunk; only a line
// split across chunks is copied, into a buffer charged to the memory budget
// (a refused charge cuts the line as if it were too long).
#pragma once

#include "ftpsniff/memory_budget.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace ftpsniff {

struct Line {
    std::string_view text;   // without the line ending
    bool truncated = false;  // longer than the cap; `text` is its start
    bool after_gap = false;  // bytes before it are missing: it may begin mid-line
    bool complete = true;    // false for the unterminated tail at close
    // For a complete line: how many bytes of the chunk being fed lie up to
    // and including its LF (where the line ends in the stream).
    std::size_t end = 0;
};

class LineSplitter {
public:
    explicit LineSplitter(std::size_t max_line, MemoryBudget& budget) : max_line_(max_line), budget_(budget) {}
    LineSplitter(const LineSplitter&) = delete;
    LineSplitter& operator=(const LineSplitter&) = delete;
    ~LineSplitter() { budget_.refund(charged_); }

    template <class Emit>
    void feed(std::span<const std::uint8_t> bytes, Emit&& emit) {
        const char* const start = reinterpret_cast<const char*>(bytes.data());
        const char* p = start;
        std::size_t n = bytes.size();
        while (n > 0) {
            const void* lf = std::memchr(p, '\n', n);
            std::size_t part = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - p) : n;
            if (!lf) {
                append(p, part);
                return;
            }
            if (buffer_.empty() && !truncated_) {
                std::size_t keep = part < max_line_ ? part : max_line_;
                emit_line(std::string_view(p, keep), part > max_line_, p + part + 1 - start, emit);
            } else {
                append(p, part);
                emit_line(buffer_, truncated_, p + part + 1 - start, emit);
            }
            buffer_.clear();
            truncated_ = false;
            p += part + 1;
            n -= part + 1;
        }
    }

    // Bytes are missing: the line in progress, if any, is handed on as
    // incomplete (it is no command or reply now) and the next line is flagged.
    template <class Emit>
    void gap(Emit&& emit) {
        finish(emit);
        after_gap_ = true;
    }

    // The start of the line not ended yet, as far as it is kept.
    [[nodiscard]] std::string_view partial() const { return buffer_; }

    // Whether the budget refused bytes since the last call.
    bool take_refused() { return std::exchange(refused_, false); }

    // The stream ended: hands on an unterminated last line, if any.
    template <class Emit>
    void finish(Emit&& emit) {
        if (!buffer_.empty() || truncated_) emit_line(buffer_, truncated_, 0, emit);
        buffer_.clear();
        truncated_ = false;
    }

private:
    void append(const char* p, std::size_t n) {
        std::size_t room = max_line_ - buffer_.size();
        if (n > room) {
            truncated_ = true;
            n = room;
        }
        if (buffer_.size() + n > charged_) {
            std::size_t want = std::min(max_line_, std::max({buffer_.size() + n, 2 * charged_, std::size_t{64}}));
            if (budget_.charge(want - charged_)) {
                buffer_.reserve(want);
                charged_ = want;
            } else {
                refused_ = truncated_ = true;
                n = charged_ - buffer_.size();
            }
        }
        buffer_.append(p, n);
    }

    // `end` is 0 for a line the stream did not end (a gap or the close).
    template <class Emit>
    void emit_line(std::string_view text, bool truncated, std::size_t end, Emit& emit) {
        if (!text.empty() && text.back() == '\r' && !truncated) text.remove_suffix(1);
        emit(Line{text, truncated, after_gap_, end != 0, end});
        after_gap_ = false;
    }

    std::size_t max_line_;
    MemoryBudget& budget_;
    std::size_t charged_ = 0;  // what `buffer_` may grow to, as charged
    std::string buffer_;
    bool truncated_ = false;
    bool after_gap_ = false;
    bool refused_ = false;
};

}  // namespace ftpsniff
