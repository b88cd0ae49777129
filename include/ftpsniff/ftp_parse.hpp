// Pure parsers for single FTP lines (RFC 959 §4.1, §4.2) and the multi-line
// reply state machine. Views in, values out; nothing here knows of packets.
#pragma once

#include "ftpsniff/memory_budget.hpp"

#include <array>
#include <cstddef>
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

struct Reply {
    int code = 0;
    std::vector<std::string> lines;  // every line as sent, without its ending
    bool complete = true;            // false when the stream ended or broke inside it
    bool truncated = false;          // a line was cut, or lines past the cap dropped

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
    // Frees the reply's lines, keeping a few short ones' buffers for the
    // next reply: most replies then allocate nothing.
    void release();
    // Whether the budget refused a line since the last call.
    bool take_refused() { return std::exchange(refused_, false); }

private:
    void add_line(std::string_view line, bool truncated, bool last);
    void keep_line(std::string_view line);

    // What a session keeps between replies stays small (about 1 KiB).
    static constexpr std::size_t kSpares = 4;
    static constexpr std::size_t kSpareBytes = 128;
    static constexpr std::size_t kKeptLines = 16;

    ReplyLimits limits_;
    MemoryBudget& budget_;
    std::size_t charged_ = 0;
    bool refused_ = false;
    bool open_ = false;
    Reply current_;
    std::array<std::string, kSpares> spares_;
    std::size_t spare_count_ = 0;
};

}  // namespace ftpsniff
