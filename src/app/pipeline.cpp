#include "ftpsniff/pipeline.hpp"

#include "annotator.hpp"
#include "data_channel_tracker.hpp"

#include "ftpsniff/anonymize.hpp"
#include "ftpsniff/capture.hpp"
#include "ftpsniff/decode.hpp"
#include "ftpsniff/ftp_detector.hpp"
#include "ftpsniff/redactor.hpp"
#include "ftpsniff/ftp_session.hpp"
#include "ftpsniff/reassembly.hpp"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <vector>

namespace ftpsniff {

namespace {

// -w: writes the packets of the control connections with every PASS
// argument starred (and their TCP checksums made right again), and with
// --with-data the packets of their data connections as they were.
class RedactedWriter {
public:
    RedactedWriter(const std::string& path, int linktype) : dumper_(path, linktype, 262144) {}

    void control(const RawFrame& frame, const TcpSegment& seg, bool to_server) {
        // Only a segment whose headers lie in this frame can be rewritten; a
        // reassembled IP datagram's last fragment cannot, and is left out.
        if (!inside(frame, seg.header)) return;
        scratch_.assign(frame.bytes.begin(), frame.bytes.end());
        if (to_server && !seg.payload.empty()) {
            std::size_t at = static_cast<std::size_t>(seg.payload.data() - frame.bytes.data());
            std::span<std::uint8_t> payload(scratch_.data() + at, seg.payload.size());
            if (redactor_.redact(seg, payload) && seg.missing == 0) fix_checksum(frame, seg);
        } else if (to_server) {
            std::span<std::uint8_t> none;
            redactor_.redact(seg, none);  // SYNs start the connection's state
        }
        dumper_.write(frame, scratch_);
    }

    void data(const RawFrame& frame) { dumper_.write(frame, frame.bytes); }

private:
    static bool inside(const RawFrame& frame, std::span<const std::uint8_t> part) {
        return !part.empty() && part.data() >= frame.bytes.data() &&
               part.data() + part.size() <= frame.bytes.data() + frame.bytes.size();
    }

    void fix_checksum(const RawFrame& frame, const TcpSegment& seg) {
        std::size_t at = static_cast<std::size_t>(seg.header.data() - frame.bytes.data());
        std::span<const std::uint8_t> tcp(scratch_.data() + at, seg.header.size() + seg.payload.size());
        std::uint16_t sum = tcp_checksum(seg.src.ip, seg.dst.ip, tcp);
        scratch_[at + 16] = static_cast<std::uint8_t>(sum >> 8);
        scratch_[at + 17] = static_cast<std::uint8_t>(sum);
    }

    PcapDumper dumper_;
    PasswordRedactor redactor_;
    std::vector<std::uint8_t> scratch_;
};

}  // namespace

RunResult run_capture(PcapReader& reader, const PipelineOptions& opts, const KnowledgeBase& kb, std::FILE* out,
                      std::FILE* notes, StopWhen stop) {
    const std::string& path = reader.source();
    if (!linktype_supported(reader.linktype())) {
        std::string name = reader.linktype_name();
        std::string number = std::to_string(reader.linktype());
        throw CaptureError(fmt::format("{}: unsupported link type {}{}", path == "-" ? "standard input" : path, name,
                                       name == number ? "" : " (" + number + ")"));
    }
    RunSummary run;
    run.source = path;
    run.linktype = reader.linktype_name();
    std::bitset<65536> ftp_ports;
    for (std::uint16_t p : opts.ports) ftp_ports.set(p);

    auto renderer = make_renderer(opts.format, out, notes, opts.render);
    if (opts.report != nullptr) renderer = make_tee(std::move(renderer), make_renderer(Format::markdown, opts.report, notes, opts.render));
    if (opts.filter.active()) renderer = make_filter(std::move(renderer), opts.filter);
    if (opts.anonymize) renderer = make_anonymizer(std::move(renderer));
    std::unique_ptr<SessionEvents> annotator =
        std::make_unique<Annotator>(kb, std::move(renderer), opts.show_passwords);
    // Annotating and writing are half the work on a busy capture: off the packet loop's thread.
    if (!opts.render.flush_each) annotator = make_async(std::move(annotator));
    DataChannelTracker tracker(*annotator, run.anomalies);
    MemoryBudget budget(opts.max_memory);
    FrameDecoder decoder(budget, run.anomalies, opts.defrag);
    auto make_session = [&](const FlowInfo& flow) {
        return std::make_unique<FtpSession>(flow, tracker, run.anomalies, budget, opts.ftp);
    };
    Reassembler reassembler(
        [&](const FlowInfo& flow) -> std::unique_ptr<StreamHandler> {
            if (ftp_ports.test(flow.server.port)) return make_session(flow);
            return std::make_unique<FtpDetector>([&make_session, flow] { return make_session(flow); });
        },
        run.anomalies, budget, opts.reassembly);

    std::optional<RedactedWriter> writer;
    if (!opts.write_path.empty()) writer.emplace(opts.write_path, reader.linktype());

    RawFrame frame;
    Timestamp last{};
    auto started = std::chrono::steady_clock::now();
    // Asked before every packet: each test costs nothing unless its limit is set.
    auto stopping = [&] {
        if (stop.signalled != nullptr && stop.signalled->load()) return true;
        if (stop.replies > 0 && tracker.replies() >= stop.replies) return true;
        return stop.seconds > 0 &&
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() >= stop.seconds;
    };
    for (ReadResult got; !stopping() && (got = reader.read(frame)) != ReadResult::end;) {
        if (got == ReadResult::idle) continue;
        ++run.packets;
        last = frame.ts;
        const Decoded& d = decoder.decode(frame);
        if (d.status != DecodeStatus::tcp) continue;
        ++run.tcp_packets;
        const TcpSegment& seg = d.segment;
        // The cheap port test comes before any flow lookup: most packets of
        // a busy capture are not FTP control traffic.
        bool to_server = ftp_ports.test(seg.dst.port);
        if (to_server || ftp_ports.test(seg.src.port)) {
            ++run.ftp_packets;
            if (writer) writer->control(frame, seg, to_server);
        } else if (!tracker.data_flows().empty() && tracker.data_flows().feed(seg)) {
            ++run.data_packets;
            if (writer && opts.with_data) writer->data(frame);
            continue;
        } else if (opts.detect) {
            to_server = reassembler.toward_server(seg);
        } else {
            continue;
        }
        if (seg.missing > 0) run.anomalies.add(Anomaly::snaplen_cut_payload);
        reassembler.feed(seg, to_server);
    }
    reassembler.finish(last);
    tracker.data_flows().finish(last);
    run.cut = reader.cut();
    run.kernel = reader.stats();
    annotator->summary(run);
    return run.cut ? RunResult::capture_cut : RunResult::ok;
}

}  // namespace ftpsniff
