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
// Each session records its masks for -w, and no event may carry a password.
// Every segment is also made into an Ethernet frame, decoded, and handed to
// the -w writer after the reassembler, as the pipeline does. The written
// capture is then read again with passwords shown: no PASS line in it may
// carry anything but stars.

#include "fuzz_common.hpp"

#include "ftpsniff/annotate.hpp"
#include "ftpsniff/ftp_detector.hpp"
#include "ftpsniff/ftp_session.hpp"
#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/reassembly.hpp"
#include "ftpsniff/redacted_writer.hpp"
#include "ftpsniff/session_state.hpp"
#include "ftpsniff/stream_masks.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

namespace {

using namespace ftpsniff;

// Whatever follows "PASS" and its blanks (space and control bytes) in a
// client line is the mask and nothing else; in what -w wrote, stars only
// (a byte -w doubts is written as one too).
FUZZ_UNTRACED std::size_t skip_blanks(std::string_view line, std::size_t i) {
    while (i < line.size() && static_cast<unsigned char>(line[i]) <= 0x20) ++i;
    return i;
}
FUZZ_UNTRACED void check_masked(std::string_view line, bool written) {
    std::size_t i = skip_blanks(line, 0);
    if (line.size() - i < 4 || upper_verb(line.substr(i, 4)) != "PASS") return;
    std::string_view rest = line.substr(skip_blanks(line, i + 4));
    if (written) {
        FUZZ_CHECK(rest.find_first_not_of('*') == std::string_view::npos);
    } else {
        FUZZ_CHECK(rest.empty() || rest == StreamMasks::kMask);
    }
}

// Touches everything it is handed and checks what the API promises.
class CheckingEvents : public EventSink {
public:
    // `written`: the events of a capture -w wrote, read with passwords shown.
    explicit CheckingEvents(std::size_t max_line, bool written = false) : max_line_(max_line), written_(written) {}

    void on(const Event& ev) override {
        visit_event(ev, [this](const Event& e, const auto& kind) { check(e.flow, kind); });
    }

    void check(const FlowInfo& flow, const SessionStartEvent& /*start*/) {
        FUZZ_CHECK(!open_.contains(flow.id));  // ids are never reused
        open_[flow.id] = true;
    }
    void check(const FlowInfo& flow, const CommandEvent& ev) {
        check_open(flow);
        FUZZ_CHECK(!ev.verb.empty());
        for (char c : ev.verb) FUZZ_CHECK(c >= 'A' && c <= 'Z');
        fuzz::touch(ev.arg);
        if (ev.verb == "PASS") check_masked("PASS " + ev.arg, written_);
    }
    void check(const FlowInfo& flow, const ReplyEvent& ev) {
        check_open(flow);
        const Reply& r = ev.reply;
        FUZZ_CHECK(!r.lines.empty());
        FUZZ_CHECK(r.code >= 0 && r.code <= 999);
        // The first line is always kept, and it names the reply.
        auto first = parse_reply_line(r.lines.front());
        FUZZ_CHECK(first && first->code == r.code);
        for (std::string_view line : r.lines) FUZZ_CHECK(line.size() <= longest_shown());
        fuzz::touch(r.text());
        FUZZ_CHECK(ev.latency_ms.has_value() == ev.command.has_value());
        FUZZ_CHECK(!ev.latency_ms || std::isfinite(*ev.latency_ms));
        FUZZ_CHECK(!(ev.greeting && ev.command));
        if (ev.command) fuzz::touch(*ev.command);
        if (ev.data_address) fuzz::check(*ev.data_address);
        std::optional<std::string_view> command;
        if (ev.command) command = *ev.command;
        fuzz::touch(annotate(KnowledgeBase::builtin(), r.code, command).meaning);
    }
    void check(const FlowInfo& flow, const UnparsedEvent& ev) {
        check_open(flow);
        FUZZ_CHECK(ev.line.size() <= longest_shown());
        fuzz::touch(ev.line);
        if (ev.dir == Direction::to_server) check_masked(ev.line, written_);
        if (ev.command) fuzz::touch(*ev.command);
    }
    void check(const FlowInfo& flow, const GapEvent& gap) {
        check_open(flow);
        FUZZ_CHECK(gap.length > 0);  // "picked up mid-stream" stays inside the session
    }
    void check(const FlowInfo& flow, const AnomalyEvent& anomaly) {
        check_open(flow);
        FUZZ_CHECK(anomaly.what.id() < kAnomalyCount);
    }
    void check(const FlowInfo& flow, const TlsEvent& tls) {
        check_open(flow);
        FUZZ_CHECK(tls.mode != TlsMode::none);
    }
    // Only the data-channel tracker, which this does not run, makes these.
    void check(const FlowInfo& /*flow*/, const DataChannelEvent& /*data*/) { FUZZ_CHECK(false); }
    void check(const FlowInfo& flow, const SessionEndEvent& end) {
        const SessionState& state = end.state;
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
    // A line as shown: each mask stands for at least 3 bytes and is 4 long.
    [[nodiscard]] std::size_t longest_shown() const { return max_line_ + max_line_ / 3 + StreamMasks::kMask.size(); }

    void check_open(const FlowInfo& flow) const {
        auto it = open_.find(flow.id);
        FUZZ_CHECK(it != open_.end() && it->second);
    }

    std::size_t max_line_;
    bool written_;
    std::map<std::uint64_t, bool> open_;  // id -> not yet ended
};

// What the sessions tell -w: decisions only move forward, and positions map
// in order.
class MasksCheck {
public:
    std::shared_ptr<ConnectionMasks> make() { return masks_.emplace_back(std::make_shared<ConnectionMasks>()); }

    FUZZ_UNTRACED void check() {
        for (std::size_t i = 0; i < masks_.size(); ++i) {
            for (const StreamMasks* m : {&masks_[i]->to_server, &masks_[i]->to_client}) {
                std::uint64_t& seen = decided_[{i, m}];
                FUZZ_CHECK(m->decided_to() >= seen);
                seen = m->decided_to();
                std::optional<std::uint64_t> last;
                for (std::uint64_t pos = seen > 64 ? seen - 64 : 0; pos <= seen; ++pos) {
                    auto at = m->map(pos);
                    if (!at) continue;
                    FUZZ_CHECK(!last || *at >= *last);
                    last = at;
                }
            }
        }
    }

private:
    std::vector<std::shared_ptr<ConnectionMasks>> masks_;
    std::map<std::pair<std::size_t, const StreamMasks*>, std::uint64_t> decided_;
};

// The segment as an Ethernet frame (its headers written, the bytes the snap
// length cut off absent), and `seg` decoded again from it.
RawFrame frame_of(const TcpSegment& seg, std::vector<std::uint8_t>& bytes) {
    auto be = [&](std::uint32_t v, int n) {
        for (int i = n - 1; i >= 0; --i) bytes.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    bytes.assign(12, 0);
    be(0x0800, 2);
    const std::uint32_t total = 40 + static_cast<std::uint32_t>(seg.payload.size()) + seg.missing;
    be(0x4500, 2);
    be(total, 2);
    be(0, 4);
    be(0x4006, 2);  // TTL, TCP
    be(0, 2);
    bytes.insert(bytes.end(), seg.src.ip.bytes.begin(), seg.src.ip.bytes.begin() + 4);
    bytes.insert(bytes.end(), seg.dst.ip.bytes.begin(), seg.dst.ip.bytes.begin() + 4);
    be(seg.src.port, 2);
    be(seg.dst.port, 2);
    be(seg.seq, 4);
    be(seg.ack, 4);
    be(0x50, 1);
    be(seg.flags, 1);
    be(0xffff, 2);
    be(0, 4);
    bytes.insert(bytes.end(), seg.payload.begin(), seg.payload.end());
    auto size = static_cast<std::uint32_t>(bytes.size());
    return RawFrame{seg.ts, 1, size, size + seg.missing, bytes};
}

// Reads a capture -w wrote, showing passwords: each PASS line in it must
// already be masked.
FUZZ_UNTRACED void read_back(const std::string& path) {
    MemoryBudget budget(16 << 20);
    AnomalyCounts anomalies;
    CheckingEvents events(FtpLimits{}.max_line, true);
    FtpLimits shown;
    shown.show_passwords = true;
    FrameDecoder decoder(budget, anomalies);
    Reassembler reassembler(
        [&](const FlowInfo& flow) { return std::make_unique<FtpSession>(flow, events, anomalies, budget, shown); },
        anomalies, budget, ReassemblyLimits{1024, 8, 10});
    PcapReader reader = PcapReader::open_file(path);
    RawFrame frame;
    Timestamp last{};
    while (reader.read(frame) == ReadResult::frame) {
        const Decoded& decoded = decoder.decode(frame);
        FUZZ_CHECK(decoded.status == DecodeStatus::tcp);
        reassembler.feed(decoded.segment, decoded.segment.dst.port == 21);
        last = frame.ts;
    }
    FUZZ_CHECK(!reader.cut());
    reassembler.finish(last);
}

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
    MasksCheck masks;
    FrameDecoder decoder(budget, anomalies);
    std::vector<std::uint8_t> frame_bytes;

    // Where each side's sender stands: [client port bit][0 client, 1 server].
    const std::uint32_t isn = (config & 0x01) ? 0xffffff00u : 1000u;
    std::uint32_t next[2][2] = {{isn, isn + 50000}, {isn + 100000, isn + 150000}};
    const Endpoint server = endpoint(2, 21);
    Timestamp now{1000, 0};
    const int written = memfd_create("fuzz_stream_w", 0);
    FUZZ_CHECK(written >= 0);
    const std::string written_path = "/proc/self/fd/" + std::to_string(written);
    {
        RedactedWriter writer(written_path, 1, budget, true);
        auto make_session = [&](const FlowInfo& flow) {
            std::shared_ptr<ConnectionMasks> m = masks.make();
            if (!writer.attach(flow, m)) m.reset();
            return std::make_unique<FtpSession>(flow, events, anomalies, budget, ftp, m);
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
            RawFrame frame = frame_of(seg, frame_bytes);
            const Decoded& decoded = decoder.decode(frame);
            FUZZ_CHECK(decoded.status == DecodeStatus::tcp);
            reassembler.feed(decoded.segment, to_server);
            writer.control(frame, decoded.segment, to_server, reassembler.last_feed_doubtful());
            masks.check();
        }
        reassembler.finish(now);
        events.check_all_ended();
        (void)writer.finish();
    }
    // Every holder refunds what it charged once it is gone.
    FUZZ_CHECK(budget.used() == 0);
    read_back(written_path);
    close(written);
    return 0;
}
