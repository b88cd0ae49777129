#include "ftpsniff/pipeline.hpp"

#include "ftpsniff/redacted_writer.hpp"

#include "ftpsniff/annotator.hpp"
#include "ftpsniff/anonymize.hpp"
#include "ftpsniff/async_events.hpp"
#include "ftpsniff/capture.hpp"
#include "ftpsniff/command_replies.hpp"
#include "ftpsniff/data_channel_tracker.hpp"
#include "ftpsniff/decode.hpp"
#include "ftpsniff/ftp_detector.hpp"
#include "ftpsniff/ftp_session.hpp"
#include "ftpsniff/reassembly.hpp"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <vector>

namespace ftpsniff {

namespace {

bool known_verb(std::string_view verb) { return CommandReplies::builtin().replies_of(verb) != nullptr; }

}  // namespace

RunResult run_capture(PcapReader& reader, const PipelineOptions& opts, const Knowledge& known, std::FILE* out,
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
    if (opts.report != nullptr)
        renderer = make_tee(std::move(renderer), make_renderer(Format::markdown, opts.report, notes, opts.render));
    if (opts.filter.active()) renderer = make_filter(std::move(renderer), opts.filter);
    std::shared_ptr<SharedAnonymizer> anonymizer;
    if (opts.anonymize) {
        anonymizer = std::make_shared<SharedAnonymizer>();
        renderer = make_anonymizer(std::move(renderer), anonymizer);
    }
    Annotator annotator(known.codes, known.diagnoses, known.messages, std::move(renderer));
    // Annotating and writing are half the work on a busy capture: off the packet loop's thread.
    std::unique_ptr<AsyncEvents> async;
    if (!opts.render.flush_each) async = make_async(annotator);
    FrameCounter frames;
    DataChannelTracker tracker(async ? static_cast<EventSink&>(*async) : annotator, run.anomalies, &frames);
    MemoryBudget budget(opts.max_memory);
    FrameDecoder decoder(budget, run.anomalies, opts.defrag);
    std::optional<RedactedWriter> writer;
    std::unique_ptr<LineRewriter> anonymized_lines;
    const bool masking = !opts.show_passwords || opts.anonymize;
    if (!opts.write_path.empty()) {
        RedactedWriter::Pseudonym pseudonym;
        if (anonymizer) {
            pseudonym = [anonymizer](const IpAddress& ip) {
                std::lock_guard<std::mutex> lock(anonymizer->mutex);
                return anonymizer->anonymizer.address(ip);
            };
            anonymized_lines = make_line_anonymizer(anonymizer);
        }
        writer.emplace(opts.write_path, reader.linktype(), budget, masking, std::move(pseudonym));
    }
    FtpLimits ftp = opts.ftp;
    ftp.show_passwords = opts.show_passwords;
    ftp.known_verb = known_verb;
    ftp.rewriter = anonymized_lines.get();
    ftp.frames = &frames;
    // Sessions are numbered as they are known to be FTP: with --detect, the
    // connections looked at and found to be something else take no number.
    std::uint64_t sessions = 0;
    auto make_session = [&](const FlowInfo& flow, std::shared_ptr<ConnectionMasks> masks) {
        FlowInfo numbered = flow;
        numbered.id = ++sessions;
        return std::make_unique<FtpSession>(numbered, tracker, run.anomalies, budget, ftp, std::move(masks));
    };
    Reassembler reassembler(
        [&](const FlowInfo& flow) -> std::unique_ptr<StreamHandler> {
            if (ftp_ports.test(flow.server.port)) {
                // -w writes what the session decides about each byte.
                std::shared_ptr<ConnectionMasks> masks;
                if (writer && masking) {
                    masks = std::make_shared<ConnectionMasks>();
                    if (!writer->attach(flow, masks)) masks.reset();
                }
                return make_session(flow, std::move(masks));
            }
            return std::make_unique<FtpDetector>([&make_session, flow] { return make_session(flow, nullptr); },
                                                 &frames);
        },
        run.anomalies, budget, opts.reassembly);

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
        frames.skip(frame.skipped);
        frames.next();
        last = frame.ts;
        const Decoded& d = decoder.decode(frame);
        if (d.status != DecodeStatus::tcp) continue;
        ++run.tcp_packets;
        const TcpSegment& seg = d.segment;
        // The cheap port test comes before any flow lookup: most packets of
        // a busy capture are not FTP control traffic.
        bool to_server = ftp_ports.test(seg.dst.port);
        const bool from_ftp_port = ftp_ports.test(seg.src.port);
        if (to_server || from_ftp_port) {
            // Both ports FTP ports: which side is the server, the connection says.
            if (to_server && from_ftp_port) to_server = reassembler.toward_server(seg);
            ++run.ftp_packets;
            if (seg.missing > 0) run.anomalies.add(DecodeAnomaly::snaplen_cut_payload);
            reassembler.feed(seg, to_server);
            // After the session has read the packet's bytes: -w writes what it decided.
            if (writer) writer->control(frame, seg, to_server, reassembler.last_feed_doubtful());
            continue;
        }
        if (!tracker.data_flows().empty() && tracker.data_flows().feed(seg)) {
            ++run.data_packets;
            if (writer && opts.with_data) writer->data(frame);
            continue;
        }
        if (!opts.detect) continue;
        to_server = reassembler.toward_server(seg);
        if (seg.missing > 0) run.anomalies.add(DecodeAnomaly::snaplen_cut_payload);
        reassembler.feed(seg, to_server);
    }
    frames.end();
    reassembler.finish(last);
    tracker.data_flows().finish(last);
    if (writer) {
        if (std::uint64_t left_out = writer->finish(); left_out > 0) {
            fmt::print(notes,
                       "ftpsniff: {}: {} control-connection packets left out: no session read their bytes, so whether "
                       "they held a password is unknown\n",
                       opts.write_path, left_out);
        }
    }
    // A read a signal interrupted is no damage to the capture.
    if (stop.signalled == nullptr || !stop.signalled->load()) run.cut = reader.cut();
    run.kernel = reader.stats();
    run.filter = reader.filter();
    run.filtered_out = reader.filtered_out();
    if (async) async->drain();
    annotator.summary(run);
    // Sessions are numbered 1, 2, ... as they start: past the last, none was shown.
    if (opts.filter.session && *opts.filter.session > run.sessions) {
        fmt::print(notes, "ftpsniff: --session {}: there is no such session; the capture has {}\n",
                   *opts.filter.session, run.sessions);
    }
    return run.cut ? RunResult::capture_cut : RunResult::ok;
}

}  // namespace ftpsniff
