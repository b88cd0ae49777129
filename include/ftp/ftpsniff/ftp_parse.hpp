// Pure parsers for single FTP lines (RFC 959 §4.1, §4.2) and the multi-line
// reply state machine. Views in, values out; nothing here knows of packets.
#pragma once

#include "ftpsniff/memory_budget.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ftpsniff {

struct ParsedCommand {
    std::string_view verb;  // as sent; compare case-insensitively
    std::string_view arg;   // after the separating space, "" if none
};

// A command is a verb of letters, then end of line or a space and the
// argument. An overlong verb is still a command: the server answers it (500),
// and pairing must count it.
std::optional<ParsedCommand> parse_command(std::string_view line);

std::string upper_verb(std::string_view verb);

struct ReplyLine {
    int code = 0;
    char separator = ' ';   // ' ' ends a reply, '-' opens a multi-line one
    std::string_view text;  // after the separator
};

// Three digits then a space, a hyphen or the end of the line.
std::optional<ReplyLine> parse_reply_line(std::string_view line);

// A reply's lines, back to back in one buffer: once the buffer has grown,
// a reply of no more bytes allocates nothing, however many lines it has.
class ReplyLines {
public:
    class iterator {
    public:
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        iterator(const ReplyLines* lines, std::size_t i) : lines_(lines), i_(i) {}
        std::string_view operator*() const { return (*lines_)[i_]; }
        iterator& operator++() {
            ++i_;
            return *this;
        }
        iterator operator++(int) { return {lines_, i_++}; }
        friend bool operator==(const iterator& a, const iterator& b) { return a.i_ == b.i_; }

    private:
        const ReplyLines* lines_ = nullptr;
        std::size_t i_ = 0;
    };

    ReplyLines() = default;
    ReplyLines(std::initializer_list<std::string_view> lines) {
        for (std::string_view line : lines) push_back(line);
    }

    [[nodiscard]] std::size_t size() const { return ends_.size(); }
    [[nodiscard]] bool empty() const { return ends_.empty(); }
    [[nodiscard]] std::size_t bytes() const { return bytes_.size(); }  // of all lines together
    std::string_view operator[](std::size_t i) const {
        std::size_t from = i == 0 ? 0 : ends_[i - 1];
        return std::string_view(bytes_).substr(from, ends_[i] - from);
    }
    [[nodiscard]] std::string_view front() const { return (*this)[0]; }
    [[nodiscard]] std::string_view back() const { return (*this)[size() - 1]; }
    [[nodiscard]] iterator begin() const { return {this, 0}; }
    [[nodiscard]] iterator end() const { return {this, size()}; }

    void push_back(std::string_view line) {
        // Grown once to what most replies need, rather than doubling up to it.
        if (bytes_.size() + line.size() > bytes_.capacity()) {
            bytes_.reserve(std::max({kFirstBytes, 2 * bytes_.capacity(), bytes_.size() + line.size()}));
        }
        if (ends_.size() == ends_.capacity()) ends_.reserve(std::max(kFirstLines, 2 * ends_.capacity()));
        bytes_.append(line);
        ends_.push_back(bytes_.size());
    }
    void replace_back(std::string_view line) {
        bytes_.resize(size() > 1 ? ends_[size() - 2] : 0);
        bytes_.append(line);
        ends_.back() = bytes_.size();
    }
    // Empties the list; its memory is kept unless it holds more than
    // `bytes` or `lines`.
    void clear(std::size_t bytes, std::size_t lines) {
        bytes_.clear();
        ends_.clear();
        if (bytes_.capacity() > bytes) bytes_.shrink_to_fit();
        if (ends_.capacity() > lines) ends_.shrink_to_fit();
    }

    friend bool operator==(const ReplyLines& a, const ReplyLines& b) {
        return a.bytes_ == b.bytes_ && a.ends_ == b.ends_;
    }

private:
    static constexpr std::size_t kFirstBytes = 256;
    static constexpr std::size_t kFirstLines = 8;

    std::string bytes_;
    std::vector<std::size_t> ends_;  // where each line ends in bytes_
};

struct Reply {
    int code = 0;
    ReplyLines lines;        // every line as sent, without its ending
    bool complete = true;    // false when the stream ended or broke inside it
    bool truncated = false;  // a line was cut, or lines past the cap dropped

    // The message: each line's text with the code prefix removed, joined by "\n".
    [[nodiscard]] std::string text() const;
    // Line `i` of the message (no copy).
    [[nodiscard]] std::string_view text_line(std::size_t i) const;
};

struct ReplyLimits {
    std::size_t max_lines = 1000;
    std::size_t max_bytes = 64 * 1024;
};

// Groups server lines into replies. RFC 959 §4.2: a reply that opens with
// "NNN-" ends at the first later line that starts with the same NNN and a
// space; lines between are text, whatever digits they start with. The lines
// of an open reply are charged to the memory budget; past the limits (or
// the budget) middle lines are dropped and the reply marked truncated.
class ReplyAssembler {
public:
    enum class Result { pending, reply, not_a_reply };

    ReplyAssembler(ReplyLimits limits, MemoryBudget& budget) : limits_(limits), budget_(budget) {}
    ReplyAssembler(const ReplyAssembler&) = delete;
    ReplyAssembler& operator=(const ReplyAssembler&) = delete;
    ~ReplyAssembler() { budget_.refund(charged_); }

    // On `reply` the finished reply is in take(); on `not_a_reply` the line
    // was not part of any reply.
    Result feed(std::string_view line, bool truncated);
    // Ends an open multi-line reply early (a gap or the end of the stream).
    bool abandon();
    [[nodiscard]] bool open() const { return open_; }
    // The finished reply, valid until release() or the next feed().
    const Reply& take();
    // Swaps the finished reply into `to`, which gives its buffers in return.
    void hand_over(Reply& to) { std::swap(current_, to); }
    // Empties the reply, keeping its buffers (up to about 1 KiB) for the
    // next one: most replies then allocate nothing.
    void release();
    // Whether the budget refused a line since the last call.
    bool take_refused() { return std::exchange(refused_, false); }

private:
    void add_line(std::string_view line, bool truncated, bool last);

    // What a session keeps between replies stays small.
    static constexpr std::size_t kKeptBytes = 1024;
    static constexpr std::size_t kKeptLines = 16;

    ReplyLimits limits_;
    MemoryBudget& budget_;
    std::size_t charged_ = 0;
    bool refused_ = false;
    bool open_ = false;
    Reply current_;
};

}  // namespace ftpsniff
