#include "ftpsniff/ftp_parse.hpp"

namespace ftpsniff {

namespace {

// What each line of an open reply is charged beyond its bytes: its share
// of the bookkeeping (the default limits were set counting it).
constexpr std::size_t kLineOverhead = 32;

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<ParsedCommand> parse_command(std::string_view line) {
    std::size_t n = 0;
    while (n < line.size() && is_alpha(line[n])) ++n;
    if (n == 0) return std::nullopt;
    if (n == line.size()) return ParsedCommand{line, {}};
    if (line[n] != ' ') return std::nullopt;
    return ParsedCommand{line.substr(0, n), line.substr(n + 1)};
}

std::string upper_verb(std::string_view verb) {
    std::string out(verb);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

std::optional<ReplyLine> parse_reply_line(std::string_view line) {
    if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return std::nullopt;
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (line.size() == 3) return ReplyLine{code, ' ', {}};
    if (line[3] != ' ' && line[3] != '-') return std::nullopt;
    return ReplyLine{code, line[3], line.substr(4)};
}

std::string_view Reply::text_line(std::size_t i) const {
    const char digits[3] = {static_cast<char>('0' + code / 100 % 10), static_cast<char>('0' + code / 10 % 10),
                            static_cast<char>('0' + code % 10)};
    const std::string_view prefix(digits, 3);
    std::string_view l = lines[i];
    // The first and last lines always carry the code; inner lines may.
    if (l.size() >= 3 && l.substr(0, 3) == prefix && (l.size() == 3 || l[3] == ' ' || l[3] == '-')) {
        l.remove_prefix(l.size() == 3 ? 3 : 4);
    }
    return l;
}

std::string Reply::text() const {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) out += '\n';
        out += text_line(i);
    }
    return out;
}

ReplyAssembler::Result ReplyAssembler::feed(std::string_view line, bool truncated) {
    if (!open_) {
        auto parsed = parse_reply_line(line);
        if (!parsed) return Result::not_a_reply;
        release();
        current_.code = parsed->code;
        current_.complete = true;
        current_.truncated = false;
        add_line(line, truncated, parsed->separator != '-');
        if (parsed->separator == '-') {
            open_ = true;
            return Result::pending;
        }
        return Result::reply;
    }
    auto parsed = parse_reply_line(line);
    bool last = parsed && parsed->code == current_.code && parsed->separator == ' ';
    add_line(line, truncated, last);
    if (last) open_ = false;
    return last ? Result::reply : Result::pending;
}

bool ReplyAssembler::abandon() {
    if (!open_) return false;
    open_ = false;
    current_.complete = false;
    return true;
}

void ReplyAssembler::add_line(std::string_view line, bool truncated, bool last) {
    if (truncated) current_.truncated = true;
    // A line's bytes and a fixed share for its bookkeeping.
    std::size_t cost = line.size() + kLineOverhead;
    if (current_.lines.empty()) {
        // The first line (at most one line's cap) is always kept: it names the reply.
        if (budget_.charge(cost)) {
            charged_ += cost;
        } else {
            refused_ = true;
        }
        current_.lines.push_back(line);
        return;
    }
    bool fits = current_.lines.size() < limits_.max_lines && charged_ + cost <= limits_.max_bytes;
    if (fits && !budget_.charge(cost)) {
        refused_ = true;
        fits = false;
    }
    if (!fits) {
        // Past a limit the middle is dropped; the last line is kept, in
        // place of the line before it, so the reply still reads as ended.
        current_.truncated = true;
        if (last && current_.lines.size() > 1) {
            current_.lines.replace_back(line);
        } else if (last) {
            current_.lines.push_back(line);
        }
        return;
    }
    charged_ += cost;
    current_.lines.push_back(line);
}

const Reply& ReplyAssembler::take() {
    budget_.refund(charged_);
    charged_ = 0;
    return current_;
}

void ReplyAssembler::release() { current_.lines.clear(kKeptBytes, kKeptLines); }

}  // namespace ftpsniff
