#include "ftpsniff/redactor.hpp"

#include "ftpsniff/reassembly.hpp"

#include <algorithm>

namespace ftpsniff {

namespace {

constexpr std::string_view kPass = "PASS ";

char upper(std::uint8_t c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); }

}  // namespace

bool PasswordRedactor::scan(Scan& state, std::span<std::uint8_t> bytes) {
    bool changed = false;
    for (std::uint8_t& c : bytes) {
        switch (state.state) {
        case State::verb:
            if (c == '\n') {
                state.matched = 0;
            } else if (state.matched < kPass.size() && upper(c) == kPass[state.matched]) {
                if (++state.matched == kPass.size()) state.state = State::secret;
            } else {
                state.state = State::other_line;
            }
            break;
        case State::secret:
            if (c == '\r' || c == '\n') {
                state.state = c == '\n' ? State::verb : State::other_line;
                state.matched = 0;
            } else {
                c = '*';
                changed = true;
            }
            break;
        case State::other_line:
            if (c == '\n') {
                state.state = State::verb;
                state.matched = 0;
            }
            break;
        }
    }
    return changed;
}

bool PasswordRedactor::scan_unknown(std::span<std::uint8_t> bytes, Scan& state) {
    bool starts_pass = bytes.size() >= kPass.size() &&
                       std::equal(kPass.begin(), kPass.end(), bytes.begin(),
                                  [](char p, std::uint8_t c) { return p == upper(c); });
    state = Scan{starts_pass ? State::verb : State::secret, 0};
    return scan(state, bytes);
}

bool PasswordRedactor::redact(const TcpSegment& seg, std::span<std::uint8_t> payload) {
    auto [it, fresh] = flows_.try_emplace(std::pair{seg.src, seg.dst});
    Flow& flow = it->second;
    if ((seg.flags & tcp_flag::syn) != 0) {
        flow = Flow{seg.seq + 1, Scan{}};
        return false;
    }
    auto len = static_cast<std::uint32_t>(payload.size());
    if (fresh) {
        // Picked up mid-way: the first line may be the rest of a PASS.
        flow.next = seg.seq;
        flow.scan = Scan{State::secret, 0};
    }
    std::int32_t ahead = seq_diff(seg.seq, flow.next);
    if (ahead > 0) {
        // A hole before it: what the packet continues is unknown, and so is
        // the line it ends in, unless it ends one.
        bool changed = scan_unknown(payload, flow.scan);
        flow.next = seg.seq + len;
        return changed;
    }
    // Bytes behind `next` came before (or before following began): their
    // place in a line is unknown. The rest continues the stream in order.
    auto old = std::min(len, static_cast<std::uint32_t>(-ahead));
    Scan ignored;
    bool changed = old > 0 && scan_unknown(payload.first(old), ignored);
    if (old < len) {
        std::span<std::uint8_t> rest = payload.subspan(old);
        changed = scan(flow.scan, rest) || changed;
        // The old bytes may end inside a line the stream's reading does not
        // know of (following began after them, or they differ from what was
        // followed): their own reading stars the new bytes too. It comes
        // second, and its state is dropped, so it cannot undo the first.
        if (old > 0) changed = scan(ignored, rest) || changed;
        flow.next = seg.seq + len;
    }
    return changed;
}

}  // namespace ftpsniff
