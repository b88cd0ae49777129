// fuzz_stream: TCP reassembly and FTP parsing end to end, without packets.
//
// Input: a config byte, then synthetic segments between 10.0.0.1 (ports
// 40000 and 40001) and the server 10.0.0.2:21.
//   config bit 0     sequence numbers start just below 2^32 (wraparound)
//   config bit 1     room for one flow only (flow_cap_hit, port reuse)
//   config bits 2-3  max line length: 16, 64, 256 or 8192
//   config bit 4     tight reply limits (4 lines, 256 bytes)
//   config bit 5     tight memory budget (48 KiB instead of 1 MiB)
//   config bit 6     at most 2 pending commands instead of 256
//   config bit 7     an FtpDetector decides first whether a flow is FTP
//                    (--detect, for flows off the FTP port)
// Each segment:
//   byte 0: bit 0 to the server, bit 1 second client port, bit 2 the snap
//           length cut bytes off (a count byte follows the length byte),
//           bits 3-7 time step v (v*v*20 ms; the idle timeout is 10 s)
//   byte 1: TCP flags
//   bytes 2-3: signed big-endian offset of seq from where that side's
//           sender stands (0: in order, < 0: retransmission, > 0: a hole)
//   byte 4: payload length, then [missing count], then the payload.
// The acknowledgement is where the other side's sender stands, so holes
// get acknowledged and become gaps as in a capture that lost packets.
// The client's segments also go through the PasswordRedactor, as for -w.

#include "fuzz_common.hpp"

#include "ftpsniff/annotate.hpp"
#include "ftpsniff/ftp_detector.hpp"
#include "ftpsniff/ftp_session.hpp"
#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/reassembly.hpp"
#include "ftpsniff/redactor.hpp"
#include "ftpsniff/session_state.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

namespace {

using namespace ftpsniff;

// Touches everything it is handed and checks what the API promises.
class CheckingEvents : public FtpEvents {
public:
    explicit CheckingEvents(std::size_t max_line) : max_line_(max_line) {}

    void on_session_start(const FlowInfo& flow, Timestamp) override {
        FUZZ_CHECK(!open_.contains(flow.id));  // ids are never reused
        open_[flow.id] = true;
    }
    void on_command(const FlowInfo& flow, const CommandEvent& ev) override {
        check_open(flow);
        FUZZ_CHECK(!ev.verb.empty());
        for (char c : ev.verb) FUZZ_CHECK(c >= 'A' && c <= 'Z');
        fuzz::touch(ev.arg);
        if (ev.data_address) fuzz::check(*ev.data_address);
    }
    void on_reply(const FlowInfo& flow, const ReplyEvent& ev) override {
        check_open(flow);
        const Reply& r = ev.reply;
        FUZZ_CHECK(!r.lines.empty());
        FUZZ_CHECK(r.code >= 0 && r.code <= 999);
        // The first line is always kept, and it names the reply.
        auto first = parse_reply_line(r.lines.front());
        FUZZ_CHECK(first && first->code == r.code);
        for (std::string_view line : r.lines) FUZZ_CHECK(line.size() <= max_line_);
        fuzz::touch(r.text());
        FUZZ_CHECK(ev.latency_ms.has_value() == ev.command.has_value());
        FUZZ_CHECK(!ev.latency_ms || std::isfinite(*ev.latency_ms));
        FUZZ_CHECK(!(ev.greeting && ev.command));
        if (ev.command) fuzz::touch(*ev.command);
        if (ev.data_address) fuzz::check(*ev.data_address);
        fuzz::touch(annotate(KnowledgeBase::builtin(), r.code, ev.command).meaning);
    }
    void on_unparsed(const FlowInfo& flow, const UnparsedEvent& ev) override {
        check_open(flow);
        FUZZ_CHECK(ev.line.size() <= max_line_);
        fuzz::touch(ev.line);
        if (ev.command) fuzz::touch(*ev.command);
    }
    void on_gap(const FlowInfo& flow, Timestamp, Direction, std::uint64_t length) override {
        check_open(flow);
        FUZZ_CHECK(length > 0);  // "picked up mid-stream" stays inside the session
    }
    void on_anomaly(const FlowInfo& flow, Timestamp, Direction, Anomaly what) override {
        check_open(flow);
        FUZZ_CHECK(static_cast<std::size_t>(what) < kAnomalyCount);
    }
    void on_tls(const FlowInfo& flow, Timestamp, TlsMode mode) override {
        check_open(flow);
        FUZZ_CHECK(mode != TlsMode::none);
    }
    void on_session_end(const FlowInfo& flow, Timestamp, CloseReason, const SessionState& state) override {
        check_open(flow);
        open_[flow.id] = false;
        fuzz::touch(state.user);
        fuzz::touch(state.type);
        if (state.cwd) fuzz::touch(*state.cwd);
        if (state.rename_from) fuzz::touch(*state.rename_from);
        FUZZ_CHECK(!login_state_name(state.login).empty() && !tls_mode_name(state.tls).empty());
    }

    // After Reassembler::finish every session has ended.
    void check_all_ended() const {
        for (const auto& [id, open] : open_) FUZZ_CHECK(!open);
    }

private:
    void check_open(const FlowInfo& flow) const {
        auto it = open_.find(flow.id);
        FUZZ_CHECK(it != open_.end() && it->second);
    }

    std::size_t max_line_;
    std::map<std::uint64_t, bool> open_;  // id -> not yet ended
};

// -w writes the client's segments through a PasswordRedactor, in capture
// order. A byte it changes must become '*', and a "PASS " line that starts
// and ends inside one segment must come out starred, whatever came before.
// Exempt: a SYN's payload (never FTP), and a segment whose bytes disagree
// with bytes sent earlier at the same sequence numbers (which copy counts
// is moot; the FTP layer keeps the first).
class RedactionCheck {
public:
    FUZZ_UNTRACED void client_segment(const TcpSegment& seg, int flow) {
        std::vector<std::uint8_t> out(seg.payload.begin(), seg.payload.end());
        const bool changed = redactor_.redact(seg, out);
        for (std::size_t i = 0; i < out.size(); ++i) {
            FUZZ_CHECK(out[i] == seg.payload[i] || (out[i] == '*' && changed));
        }
        auto& sent = sent_[flow];
        if (seg.flags & tcp_flag::syn) {
            sent.clear();  // a new connection on this tuple
            return;
        }
        bool conflict = false;
        for (std::size_t i = 0; i < out.size(); ++i) {
            auto [at, fresh] = sent.try_emplace(seg.seq + static_cast<std::uint32_t>(i), seg.payload[i]);
            conflict = conflict || (!fresh && at->second != seg.payload[i]);
        }
        if (conflict) return;
        auto text = fuzz::as_text(seg.payload);
        for (std::size_t nl = text.find('\n'); nl != std::string_view::npos; nl = text.find('\n', nl + 1)) {
            std::string_view line = text.substr(nl + 1);
            line = line.substr(0, line.find_first_of("\r\n"));
            if (line.size() == text.size() - nl - 1 || upper_verb(line.substr(0, 5)) != "PASS ") continue;
            for (std::size_t k = nl + 1 + 5; k < nl + 1 + line.size(); ++k) FUZZ_CHECK(out[k] == '*');
        }
    }

private:
    PasswordRedactor redactor_;
    std::unordered_map<std::uint32_t, std::uint8_t> sent_[2];  // per client port: seq -> first byte sent
};

Endpoint endpoint(std::uint8_t last_octet, std::uint16_t port) {
    Endpoint e;
    e.ip.version = 4;
    e.ip.bytes[0] = 10;
    e.ip.bytes[3] = last_octet;
    e.port = port;
    return e;
}

}  // namespace

extern "C" int FTPSNIFF_FUZZ_ENTRY(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    const std::uint8_t config = in.u8();
    constexpr std::size_t kLineCaps[] = {16, 64, 256, 8192};

    FtpLimits ftp;
    ftp.max_line = kLineCaps[(config >> 2) & 3];
    if (config & 0x10) ftp.reply = ReplyLimits{4, 256};
    ftp.max_pending_commands = (config & 0x40) ? 2 : 256;
    ReassemblyLimits limits{1024, std::size_t{(config & 0x02) ? 1u : 8u}, 10};
    MemoryBudget budget((config & 0x20) ? 48 * 1024 : 1024 * 1024);
    AnomalyCounts anomalies;
    CheckingEvents events(ftp.max_line);
    RedactionCheck redaction;

    // Where each side's sender stands: [client port bit][0 client, 1 server].
    const std::uint32_t isn = (config & 0x01) ? 0xffffff00u : 1000u;
    std::uint32_t next[2][2] = {{isn, isn + 50000}, {isn + 100000, isn + 150000}};
    const Endpoint server = endpoint(2, 21);
    Timestamp now{1000, 0};
    {
        auto make_session = [&](const FlowInfo& flow) {
            return std::make_unique<FtpSession>(flow, events, anomalies, budget, ftp);
        };
        Reassembler reassembler(
            [&](const FlowInfo& flow) -> std::unique_ptr<StreamHandler> {
                if (!(config & 0x80)) return make_session(flow);
                return std::make_unique<FtpDetector>([&make_session, flow] { return make_session(flow); });
            },
            anomalies, budget, limits);
        while (!in.empty()) {
            const std::uint8_t control = in.u8();
            const bool to_server = (control & 0x01) != 0;
            const int flow = (control >> 1) & 1;
            const std::int64_t step_ms = std::int64_t{control >> 3} * (control >> 3) * 20;
            TcpSegment seg;
            seg.flags = in.u8();
            auto offset = static_cast<std::int16_t>(in.be16());
            const std::size_t length = in.u8();
            seg.missing = (control & 0x04) ? in.u8() : 0;
            seg.payload = in.take(length);

            std::int64_t ns = now.nsec + step_ms * 1000000;
            now = Timestamp{now.sec + ns / 1000000000, static_cast<std::uint32_t>(ns % 1000000000)};
            seg.ts = now;
            const Endpoint client = endpoint(1, static_cast<std::uint16_t>(40000 + flow));
            seg.src = to_server ? client : server;
            seg.dst = to_server ? server : client;
            std::uint32_t& mine = next[flow][to_server ? 0 : 1];
            seg.seq = mine + static_cast<std::uint32_t>(static_cast<std::int32_t>(offset));
            seg.ack = next[flow][to_server ? 1 : 0];
            mine = seg.seq + static_cast<std::uint32_t>(seg.payload.size()) + seg.missing +
                   ((seg.flags & tcp_flag::syn) ? 1 : 0) + ((seg.flags & tcp_flag::fin) ? 1 : 0);
            if (to_server) redaction.client_segment(seg, flow);
            reassembler.feed(seg, to_server);
        }
        reassembler.finish(now);
        events.check_all_ended();
    }
    // Every holder refunds what it charged once it is gone.
    FUZZ_CHECK(budget.used() == 0);
    return 0;
}
