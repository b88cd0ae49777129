#include "ftpsniff/redactor.hpp"

#include "ftpsniff/reassembly.hpp"

#include <algorithm>

namespace ftpsniff {

namespace {

constexpr std::string_view kPass = "PASS ";
constexpr std::size_t kRangesKept = 16;

char upper(std::uint8_t c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); }

}  // namespace

void PasswordRedactor::remember(Flow& flow, std::uint32_t start) {
    if (flow.secrets.size() == kRangesKept) flow.secrets.erase(flow.secrets.begin());
    flow.secrets.push_back({start, 0});
}

bool PasswordRedactor::scan(Flow& flow, Scan& state, std::uint32_t seq, std::span<std::uint8_t> bytes) {
    bool changed = false;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::uint8_t c = bytes[i];
        switch (state.state) {
        case State::verb:
            if (c == '\n') {
                state.matched = 0;
            } else if (state.matched < kPass.size() && upper(c) == kPass[state.matched]) {
                if (++state.matched == kPass.size()) {
                    state.state = State::secret;
                    remember(flow, static_cast<std::uint32_t>(seq + i + 1));
                }
            } else {
                state.state = State::other_line;
            }
            break;
        case State::secret:
            if (c == '\r' || c == '\n') {
                state.state = c == '\n' ? State::verb : State::other_line;
                state.matched = 0;
            } else {
                if (flow.secrets.empty() ||
                    flow.secrets.back().start + flow.secrets.back().length != static_cast<std::uint32_t>(seq + i)) {
                    remember(flow, static_cast<std::uint32_t>(seq + i));
                }
                bytes[i] = '*';
                changed = true;
                ++flow.secrets.back().length;
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

bool PasswordRedactor::redact(const TcpSegment& seg, std::span<std::uint8_t> payload) {
    auto key = std::pair{seg.src, seg.dst};
    bool syn = (seg.flags & tcp_flag::syn) != 0;
    auto [it, fresh] = flows_.try_emplace(key);
    Flow& flow = it->second;
    if (syn) {
        flow = Flow{};
        flow.origin = flow.next = seg.seq + 1;
        return false;
    }
    if (fresh) {
        // Picked up mid-way: the first line may be the rest of a PASS.
        flow.origin = flow.next = seg.seq;
        flow.scan.state = State::secret;
    }
    bool changed = false;
    auto len = static_cast<std::uint32_t>(payload.size());
    // Bytes starred before keep their stars when they come again.
    for (const Range& r : flow.secrets) {
        for (std::uint32_t k = 0; k < len; ++k) {
            if (static_cast<std::uint32_t>(seg.seq + k - r.start) < r.length && payload[k] != '*') {
                payload[k] = '*';
                changed = true;
            }
        }
    }
    if (std::int32_t before = seq_diff(flow.origin, seg.seq); before > 0) {
        // Bytes from before the first one followed were never scanned: what
        // they continue is unknown.
        auto n = std::min(len, static_cast<std::uint32_t>(before));
        Scan unknown{State::secret, 0};
        return scan(flow, unknown, seg.seq, payload.first(n)) || changed;
    }
    std::int32_t ahead = seq_diff(seg.seq, flow.next);
    if (ahead > 0) {
        // A hole before this packet: what it continues is unknown, so its
        // first line is starred as if it were a password. The hole is kept
        // to be scanned when its bytes come.
        flow.hole = {flow.next, static_cast<std::uint32_t>(ahead)};
        flow.hole_scan = flow.scan;
        flow.scan = Scan{State::secret, 0};
        changed = scan(flow, flow.scan, seg.seq, payload) || changed;
        flow.next = seg.seq + len;
        return changed;
    }
    std::uint32_t into_hole = seg.seq - flow.hole.start;
    if (into_hole < flow.hole.length) {
        // Filling the hole: from its start the scan goes on as it stood;
        // from anywhere else in it the line in doubt is starred.
        std::uint32_t n = std::min(len, flow.hole.length - into_hole);
        Scan fill = into_hole == 0 ? flow.hole_scan : Scan{State::secret, 0};
        changed = scan(flow, fill, seg.seq, payload.first(n)) || changed;
        if (into_hole == 0) {
            flow.hole = {flow.hole.start + n, flow.hole.length - n};
            flow.hole_scan = fill;
        }
        return changed;
    }
    auto skip = static_cast<std::uint32_t>(-ahead);
    if (skip >= len) return changed;  // a retransmission of bytes already scanned
    changed = scan(flow, flow.scan, seg.seq + skip, payload.subspan(skip)) || changed;
    flow.next = seg.seq + len;
    return changed;
}

}  // namespace ftpsniff
