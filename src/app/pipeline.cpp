#include "ftpsniff/pipeline.hpp"

#include "ftpsniff/annotate.hpp"
#include "ftpsniff/command_replies.hpp"
#include "ftpsniff/diagnose.hpp"
#include "ftpsniff/capture.hpp"
#include "ftpsniff/decode.hpp"
#include "ftpsniff/ftp_session.hpp"
#include "ftpsniff/reassembly.hpp"

#include <fmt/format.h>

namespace ftpsniff {

namespace {

constexpr std::string_view kMaskedPassword = "****";

// Receives the FTP events of every session, annotates replies, hides
// passwords and hands all of it to the renderer.
class Annotator : public FtpEvents {
public:
    Annotator(const KnowledgeBase& kb, Renderer& renderer, RunSummary& run, bool show_passwords)
        : kb_(kb), renderer_(renderer), run_(run), show_passwords_(show_passwords) {}

    void on_session_start(const FlowInfo& flow, Timestamp ts) override {
        ++run_.sessions;
        renderer_.session_start(flow, ts);
    }
    void on_command(const FlowInfo& flow, const CommandEvent& ev) override {
        ++run_.commands;
        if (ev.verb == "PASS" && !show_passwords_ && !ev.arg.empty()) {
            CommandEvent masked = ev;
            masked.arg = kMaskedPassword;
            renderer_.command(flow, masked);
            return;
        }
        renderer_.command(flow, ev);
    }
    void on_reply(const FlowInfo& flow, const ReplyEvent& ev) override {
        int digit = ev.reply.code / 100;
        ++run_.replies_by_class[digit >= 1 && digit <= 6 ? digit : 0];
        Annotation note = annotate(kb_, ev.reply.code, ev.command);
        note.diagnoses = diagnose(ReplyFacts{ev.reply.code, ev.command, ev.latency_ms, &flow, ev.data_address, ev.abort_pending},
                                  CommandReplies::builtin(), diagnose_options_);
        for (const Diagnosis& d : note.diagnoses) {
            if (d.id == "login_failed") note_login_failure(flow, note);
        }
        renderer_.reply(flow, ev, note);
    }
    void on_unparsed(const FlowInfo& flow, const UnparsedEvent& ev) override { renderer_.unparsed(flow, ev); }
    void on_gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) override {
        ++run_.gaps;
        renderer_.gap(flow, ts, dir, length);
    }
    void on_anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) override {
        renderer_.anomaly(flow, ts, dir, what);
    }
    void on_tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) override { renderer_.tls(flow, ts, mode); }
    void on_session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) override {
        renderer_.session_end(flow, ts, why, state);
    }

private:
    // Failed logins from one client address across sessions: at the
    // threshold the failure that reaches it says so, and the summary lists it.
    void note_login_failure(const FlowInfo& flow, Annotation& note) {
        LoginFailures& f = run_.login_failures[flow.client.ip];
        ++f.failures;
        if (f.last_session != flow.id) ++f.sessions;
        f.last_session = flow.id;
        if (f.failures == kGuessingThreshold) {
            note.diagnoses.push_back(
                {"login_guessing",
                 fmt::format("{} failed logins from {} in {} sessions: possibly password guessing", f.failures,
                             to_string(flow.client.ip), f.sessions),
                 "If these are not a user's own retries, block the address (fail2ban) and make sure the server "
                 "delays or limits failed logins."});
        }
    }

    const KnowledgeBase& kb_;
    Renderer& renderer_;
    RunSummary& run_;
    bool show_passwords_;
    DiagnoseOptions diagnose_options_;
};

}  // namespace

RunResult run_capture_file(const std::string& path, const PipelineOptions& opts, const KnowledgeBase& kb,
                           std::FILE* out, std::FILE* notes) {
    PcapReader reader = PcapReader::open_file(path);
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

    auto renderer = make_renderer(opts.format, out, notes);
    Annotator annotator(kb, *renderer, run, opts.show_passwords);
    MemoryBudget budget(opts.max_memory);
    FrameDecoder decoder(budget, run.anomalies, opts.defrag);
    Reassembler reassembler(
        [&](const FlowInfo& flow) {
            return std::make_unique<FtpSession>(flow, annotator, run.anomalies, budget, opts.ftp);
        },
        run.anomalies, budget, opts.reassembly);

    RawFrame frame;
    Timestamp last{};
    while (reader.next(frame)) {
        ++run.packets;
        last = frame.ts;
        Decoded d = decoder.decode(frame);
        if (d.status != DecodeStatus::tcp) continue;
        ++run.tcp_packets;
        const TcpSegment& seg = d.segment;
        // The cheap port test comes before any flow lookup: most packets of
        // a busy capture are not FTP control traffic.
        bool to_server = ftp_ports.test(seg.dst.port);
        if (!to_server && !ftp_ports.test(seg.src.port)) continue;
        ++run.ftp_packets;
        if (seg.missing > 0) run.anomalies.add(Anomaly::snaplen_cut_payload);
        reassembler.feed(seg, to_server);
    }
    reassembler.finish(last);
    run.cut = reader.cut();
    renderer->summary(run);
    return run.cut ? RunResult::capture_cut : RunResult::ok;
}

}  // namespace ftpsniff
