// The transcript for people: one line per command and reply line, and under
// each reply what it means and what to do.
#include "buffered_file.hpp"
#include "format_time.hpp"
#include "renderers.hpp"

#include "ftpsniff/escape.hpp"

#include <fmt/format.h>

namespace ftpsniff {

namespace {

constexpr std::string_view kIndent = "    ";

class TextRenderer : public Renderer {
public:
    TextRenderer(std::FILE* out, std::FILE* notes, const RenderOptions& opts)
        : out_(out, opts.flush_each),
          notes_(notes),
          labels_(labels_for(opts.lang)),
          color_(opts.color),
          frames_(opts.frames) {}

    void write(const Event& e, const SessionStartEvent& /*start*/) {
        auto& b = out_.buffer();
        fmt::format_to(std::back_inserter(b), "session #{} {} -> {} at {}", e.flow.id, to_string(e.flow.client),
                       to_string(e.flow.server), date_time(e.ts));
        if (frames_) fmt::format_to(std::back_inserter(b), ", frame {}", frame_text(e.frame));
        b += e.flow.handshake_seen ? "\n" : " (no handshake in the capture: picked up mid-connection)\n";
        out_.commit();
    }

    void write(const Event& e, const CommandEvent& ev) {
        auto& b = out_.buffer();
        prefix(b, e, '>');
        start(b, kBold);
        b += ev.verb;
        if (!ev.arg.empty()) {
            b += ' ';
            append_escaped(b, ev.arg);
        }
        stop(b, kBold);
        if (ev.truncated) b += " [line cut at the length limit]";
        if (ev.telnet_interrupt) b += " [after Telnet IP]";
        b += '\n';
        out_.commit();
    }

    void write(const Event& e, const ReplyEvent& ev, const Annotation& note) {
        auto& b = out_.buffer();
        std::string_view style = class_style(ev.reply.code);
        for (std::size_t i = 0; i < ev.reply.lines.size(); ++i) {
            if (i == 0) {
                prefix(b, e, '<');
            } else {
                b.append(frame_width(e) + kTimeWidth, ' ');
                fmt::format_to(std::back_inserter(b), " #{} < ", e.flow.id);
            }
            start(b, style);
            append_escaped(b, ev.reply.lines[i]);
            stop(b, style);
            b += '\n';
        }
        b += kIndent;
        fmt::format_to(std::back_inserter(b), "{} {} · {}", note.code, note.name, note.reply_class);
        if (ev.greeting) {
            b += " · greeting";
            if (note.software != nullptr) {
                b += " from ";
                software(b, *note.software);
            }
        } else if (ev.command) {
            fmt::format_to(std::back_inserter(b), " · answers {}", *ev.command);
            if (ev.latency_ms) fmt::format_to(std::back_inserter(b), " after {:.1f} ms", *ev.latency_ms);
        } else {
            b += " · unprompted: no command was waiting for a reply";
        }
        if (ev.uncertain) b += " · pairing uncertain after a gap";
        if (!ev.reply.complete) b += " · incomplete: the stream ended or broke inside this reply";
        if (ev.reply.truncated) b += " · cut at the length limit";
        fmt::format_to(std::back_inserter(b), "\n{}{}: {}\n{}{}: {}\n", kIndent, labels_.meaning, note.meaning, kIndent,
                       labels_.remedy, note.remedy);
        diagnoses(b, note);
        out_.commit();
    }

    // The session's worst finding, or that it had none above info.
    static void verdict(std::string& b, const SessionVerdict& v) {
        auto out = std::back_inserter(b);
        if (!v.worst) {
            b += "\n  verdict: healthy";
            return;
        }
        fmt::format_to(out, "\n  verdict: {} ({}, frame {})", v.id, severity_name(*v.worst), frame_text(v.frame));
        if (v.errors + v.warnings > 1)
            fmt::format_to(out, "; {} error{}, {} warning{} in all", v.errors, v.errors == 1 ? "" : "s", v.warnings,
                           v.warnings == 1 ? "" : "s");
    }

    // Each finding once, errors first, with how often, where and its remedy.
    static void findings(std::string& b, const RunSummary& run) {
        auto out = std::back_inserter(b);
        for (const FindingEntry* f : findings_first(run)) {
            const FindingGroup& g = f->second;
            fmt::format_to(out, "  {} {} x{} in {} session{}, frame{} {}", severity_name(g.severity), f->first, g.count,
                           g.sessions, g.sessions == 1 ? "" : "s", g.count == 1 ? "" : "s", frame_text(g.first_frame));
            if (g.count > 1) fmt::format_to(out, " to {}", frame_text(g.last_frame));
            if (g.explains > 0)
                fmt::format_to(out, ", the cause of {} other finding{}", g.explains, g.explains == 1 ? "" : "s");
            b += ": ";
            append_escaped(b, g.message);
            fmt::format_to(out, "\n      do: {}\n", g.remedy);
        }
    }

    void diagnoses(std::string& b, const Annotation& note) {
        for (const Diagnosis& d : note.diagnoses) {
            b += kIndent;
            start(b, kMagenta);
            fmt::format_to(std::back_inserter(b), "! {} ({}): ", d.id, severity_name(d.severity));
            append_escaped(b, d.message);  // may quote addresses or codes from the capture
            stop(b, kMagenta);
            fmt::format_to(std::back_inserter(b), "\n{}  do: {}\n", kIndent, d.remedy);
        }
    }

    void write(const Event& e, const UnparsedEvent& ev) {
        auto& b = out_.buffer();
        prefix(b, e, ev.dir == Direction::to_server ? '>' : '<');
        b += '"';
        append_escaped(b, ev.line);
        fmt::format_to(std::back_inserter(b), "\" [{}", describe(ev.reason));
        if (ev.command) fmt::format_to(std::back_inserter(b), "; sent in answer to {}", *ev.command);
        b += "]\n";
        out_.commit();
    }

    void write(const Event& e, const GapEvent& gap) {
        auto& b = out_.buffer();
        prefix(b, e, gap.dir == Direction::to_server ? '>' : '<');
        start(b, kRed);
        fmt::format_to(std::back_inserter(b), "[gap: {} bytes from the {} are missing from the capture]", gap.length,
                       gap.dir == Direction::to_server ? "client" : "server");
        stop(b, kRed);
        b += '\n';
        out_.commit();
    }

    void write(const Event& e, const AnomalyEvent& anomaly) {
        auto& b = out_.buffer();
        prefix(b, e, anomaly.dir == Direction::to_server ? '>' : '<');
        start(b, kRed);
        fmt::format_to(std::back_inserter(b), "[{}: {}]", anomaly_name(anomaly.what),
                       anomaly_description(anomaly.what));
        stop(b, kRed);
        b += '\n';
        out_.commit();
    }

    void write(const Event& e, const TlsEvent& tls) {
        auto& b = out_.buffer();
        prefix(b, e, ' ');
        b += tls.mode == TlsMode::implicit
                 ? "[implicit FTPS: the connection starts with TLS; nothing in it can be read]\n"
                 : "[the control connection is encrypted (TLS) from here on; nothing more can be read]\n";
        out_.commit();
    }

    void write(const Event& e, const DataChannelEvent& ev, const Annotation& note) {
        auto& b = out_.buffer();
        prefix(b, e, '=');
        std::string_view mode = ev.passive ? "passive" : "active";
        std::string_view command =
            ev.command.empty() ? std::string_view("no transfer seen") : std::string_view(ev.command);
        if (!ev.opener) {
            fmt::format_to(std::back_inserter(b), "[data connection ({}) to {} for {}: never opened in the capture]\n",
                           mode, to_string(ev.listener), command);
            diagnoses(b, note);
            out_.commit();
            return;
        }
        fmt::format_to(std::back_inserter(b), "[data connection ({}) {} -> {} for {}: ", mode, to_string(*ev.opener),
                       to_string(ev.listener), command);
        double ms = millis_between(ev.first, ev.last);
        if (ev.end == DataEnd::unanswered || ev.end == DataEnd::refused) {
            fmt::format_to(std::back_inserter(b), "{} SYN{} over {:.1f} s, {}", ev.syns, ev.syns == 1 ? "" : "s",
                           ms / 1000, ev.end == DataEnd::refused ? "refused with a reset" : "never answered");
        } else {
            fmt::format_to(std::back_inserter(b), "{} bytes to the client", ev.bytes_to_client);
            if (ev.expected_to_client)
                fmt::format_to(std::back_inserter(b), " (of {} expected)", *ev.expected_to_client);
            fmt::format_to(std::back_inserter(b), ", {} to the server in {:.1f} ms", ev.bytes_to_server, ms);
            if (ms > 0) {
                fmt::format_to(std::back_inserter(b), " ({:.1f} kB/s)",
                               static_cast<double>(ev.bytes_to_client + ev.bytes_to_server) / ms);
            }
            if (ev.tls) b += ", TLS";
            fmt::format_to(std::back_inserter(b), ", {}", describe(ev.end));
            if (ev.end == DataEnd::fin || ev.end == DataEnd::rst) {
                fmt::format_to(std::back_inserter(b), " {}by the {}", ev.end == DataEnd::fin ? "first " : "",
                               ev.closed_by == DataSide::client ? "client" : "server");
            }
            if (ev.aborted) b += ", after ABOR";
            if (ev.stopped_reading != DataSide::none) {
                fmt::format_to(std::back_inserter(b), "; the {} had stopped reading (its window was 0)",
                               ev.stopped_reading == DataSide::client ? "client" : "server");
            }
        }
        if (ev.announced) fmt::format_to(std::back_inserter(b), "; the server announced {}", to_string(*ev.announced));
        b += "]\n";
        diagnoses(b, note);
        out_.commit();
    }

    void write(const Event& e, const SessionEndEvent& end, const Annotation& note) {
        auto& b = out_.buffer();
        fmt::format_to(std::back_inserter(b), "session #{} ended ({}) at {}: ", e.flow.id, describe(end.why),
                       date_time(e.ts));
        if (note.software != nullptr) {
            b += "server ";
            software(b, *note.software);
            fmt::format_to(std::back_inserter(b), " (from {}), ", describe(note.software->clue));
        }
        if (!end.state.user.empty()) {
            b += "user ";
            append_escaped(b, end.state.user);
            b += ", ";
        }
        fmt::format_to(std::back_inserter(b), "login {}, {} commands, {} replies", login_state_name(end.state.login),
                       end.state.commands, end.state.replies);
        if (end.state.tls != TlsMode::none)
            fmt::format_to(std::back_inserter(b), ", TLS {}", tls_mode_name(end.state.tls));
        b += '\n';
        diagnoses(b, note);
        if (note.verdict != nullptr) verdict(b, *note.verdict);
        b += "\n";
        out_.commit();
    }

    void on(const Event& ev, const Annotation& note) override { write_event(*this, ev, note); }

    void summary(const RunSummary& run) override {
        out_.flush();
        std::string b;
        auto out = std::back_inserter(b);
        fmt::format_to(out,
                       "summary of {} ({}): {} packets, {} TCP, {} on FTP control connections, {} on their data "
                       "connections\n",
                       run.source, run.linktype, run.packets, run.tcp_packets, run.ftp_packets, run.data_packets);
        findings(b, run);
        fmt::format_to(out, "  {} sessions, {} commands; logins: {} ok, {} failed", run.sessions, run.commands,
                       run.logins_ok, run.logins_failed);
        if (run.logins_refused > 0) fmt::format_to(out, ", {} refused by the server's policy", run.logins_refused);
        b += '\n';
        fmt::format_to(out, "  replies: 1xx {}, 2xx {}, 3xx {}, 4xx {}, 5xx {}, other {}\n", run.replies_by_class[1],
                       run.replies_by_class[2], run.replies_by_class[3], run.replies_by_class[4],
                       run.replies_by_class[5], run.replies_by_class[0] + run.replies_by_class[6]);
        auto errors = top_errors(run);
        if (!errors.empty()) {
            b += "  top errors:";
            for (const ErrorCount& e : errors) {
                fmt::format_to(out, " {}{}{} x{};", e.code, e.command.empty() ? "" : " after ", e.command, e.count);
            }
            b.back() = '\n';
        }
        for (const auto& [ip, f] : run.login_failures) {
            if (f.failures < kGuessingThreshold) continue;
            fmt::format_to(out, "  possible password guessing: {} failed logins from {} in {} sessions\n", f.failures,
                           to_string(ip), f.sessions);
        }
        if (run.kernel) {
            fmt::format_to(out, "  kernel: {} packets received, {} dropped, {} dropped by the interface\n",
                           run.kernel->received, run.kernel->dropped, run.kernel->if_dropped);
        }
        fmt::format_to(out, "  gaps: {}", run.gaps);
        for (std::size_t i = 0; i < kAnomalyCount; ++i) {
            auto a = Anomaly::from_id(i);
            if (run.anomalies.get(a) > 0) fmt::format_to(out, "; {} {}", anomaly_name(a), run.anomalies.get(a));
        }
        b += '\n';
        std::fwrite(b.data(), 1, b.size(), notes_);
        std::fflush(notes_);
    }

private:
    static constexpr std::size_t kTimeWidth = 15;  // "HH:MM:SS.uuuuuu"
    static constexpr std::size_t kFrameWidth = 6;
    // SGR sequences: ours alone reach the terminal; network text is escaped.
    static constexpr std::string_view kBold = "\x1b[1m", kRed = "\x1b[31m", kMagenta = "\x1b[35m";

    static std::string_view class_style(int code) {
        switch (code / 100) {
        case 1: return "\x1b[36m";    // cyan: wait for more
        case 2: return "\x1b[32m";    // green: done
        case 3: return "\x1b[33m";    // yellow: send the next command
        case 4: return "\x1b[1;33m";  // bold yellow: try again later
        case 5: return "\x1b[1;31m";  // bold red: failed
        default: return "\x1b[35m";
        }
    }
    void start(std::string& b, std::string_view style) const {
        if (color_) b += style;
    }
    void stop(std::string& b, std::string_view) const {
        if (color_) b += "\x1b[0m";
    }

    // "[frame] time #session arrow ", the frame column as wide as the
    // capture's first million frames need.
    void prefix(std::string& b, const Event& e, char arrow) const {
        if (frames_) fmt::format_to(std::back_inserter(b), "{:>{}} ", frame_text(e.frame), kFrameWidth);
        fmt::format_to(std::back_inserter(b), "{} #{} {} ", clock_time(e.ts), e.flow.id, arrow);
    }
    [[nodiscard]] std::size_t frame_width(const Event& e) const {
        return frames_ ? std::max(kFrameWidth, frame_text(e.frame).size()) + 1 : 0;
    }

    // The product is ours (data/servers.tsv); the version comes from the network.
    static void software(std::string& b, const ServerSoftware& s) {
        b += s.product;
        if (!s.version.empty()) {
            b += ' ';
            append_escaped(b, s.version);
        }
    }

    static std::string_view describe(SoftwareClue clue) {
        switch (clue) {
        case SoftwareClue::greeting: return "its greeting";
        case SoftwareClue::syst: return "its reply to SYST";
        case SoftwareClue::reply: return "its replies' wording";
        }
        return "";
    }

    static std::string_view describe(UnparsedReason why) {
        switch (why) {
        case UnparsedReason::not_a_command: return "not an FTP command";
        case UnparsedReason::not_a_reply: return "not a valid reply line";
        case UnparsedReason::fragment_after_gap: return "end of a line whose start is missing; skipped";
        case UnparsedReason::cut_by_gap: return "start of a line whose end is missing; skipped";
        }
        return "";
    }

    static std::string_view describe(DataEnd end) {
        switch (end) {
        case DataEnd::fin: return "closed";
        case DataEnd::rst: return "reset";
        case DataEnd::end_of_capture: return "still open at the end of the capture";
        case DataEnd::never_opened: return "never opened";
        case DataEnd::unanswered: return "never answered";
        case DataEnd::refused: return "refused";
        case DataEnd::open_at_session_end: return "still open when its session ended";
        }
        return "";
    }

    static std::string_view describe(CloseReason why) {
        switch (why) {
        case CloseReason::fin: return "closed by both sides";
        case CloseReason::rst: return "reset";
        case CloseReason::idle_timeout: return "idle past --idle-timeout";
        case CloseReason::evicted: return "closed to make room for a newer connection";
        case CloseReason::end_of_capture: return "still open at the end of the capture";
        }
        return "";
    }

    BufferedFile out_;
    std::FILE* notes_;
    const Labels& labels_;
    bool color_;
    bool frames_;
};

}  // namespace

std::unique_ptr<Renderer> make_text_renderer(std::FILE* out, std::FILE* notes, const RenderOptions& opts) {
    return std::make_unique<TextRenderer>(out, notes, opts);
}

}  // namespace ftpsniff
