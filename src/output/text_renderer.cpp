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
    TextRenderer(std::FILE* out, std::FILE* notes, const Labels& labels) : out_(out), notes_(notes), labels_(labels) {}

    void session_start(const FlowInfo& flow, Timestamp ts) override {
        auto& b = out_.buffer();
        fmt::format_to(std::back_inserter(b), "session #{} {} -> {} at {}{}\n", flow.id, to_string(flow.client),
                       to_string(flow.server), date_time(ts),
                       flow.handshake_seen ? "" : " (no handshake in the capture: picked up mid-connection)");
        out_.commit();
    }

    void command(const FlowInfo& flow, const CommandEvent& ev) override {
        auto& b = out_.buffer();
        prefix(b, flow, ev.ts, '>');
        b += ev.verb;
        if (!ev.arg.empty()) {
            b += ' ';
            append_escaped(b, ev.arg);
        }
        if (ev.truncated) b += " [line cut at the length limit]";
        b += '\n';
        out_.commit();
    }

    void reply(const FlowInfo& flow, const ReplyEvent& ev, const Annotation& note) override {
        auto& b = out_.buffer();
        for (std::size_t i = 0; i < ev.reply.lines.size(); ++i) {
            if (i == 0) {
                prefix(b, flow, ev.ts, '<');
            } else {
                b.append(kTimeWidth, ' ');
                fmt::format_to(std::back_inserter(b), " #{} < ", flow.id);
            }
            append_escaped(b, ev.reply.lines[i]);
            b += '\n';
        }
        b += kIndent;
        fmt::format_to(std::back_inserter(b), "{} {} · {}", note.code, note.name, note.reply_class);
        if (ev.greeting) {
            b += " · greeting";
        } else if (ev.command) {
            fmt::format_to(std::back_inserter(b), " · answers {}", *ev.command);
            if (ev.latency_ms) fmt::format_to(std::back_inserter(b), " after {:.1f} ms", *ev.latency_ms);
        } else {
            b += " · answers no known command";
        }
        if (ev.uncertain) b += " · pairing uncertain after a gap";
        if (!ev.reply.complete) b += " · incomplete: the stream ended or broke inside this reply";
        if (ev.reply.truncated) b += " · cut at the length limit";
        fmt::format_to(std::back_inserter(b), "\n{}{}: {}\n{}{}: {}\n", kIndent, labels_.meaning, note.meaning, kIndent,
                       labels_.remedy, note.remedy);
        for (const Diagnosis& d : note.diagnoses) {
            b += kIndent;
            fmt::format_to(std::back_inserter(b), "! {}: ", d.id);
            append_escaped(b, d.message);  // may quote addresses or codes from the capture
            fmt::format_to(std::back_inserter(b), "\n{}  do: {}\n", kIndent, d.remedy);
        }
        out_.commit();
    }

    void unparsed(const FlowInfo& flow, const UnparsedEvent& ev) override {
        auto& b = out_.buffer();
        prefix(b, flow, ev.ts, ev.dir == Direction::to_server ? '>' : '<');
        b += '"';
        append_escaped(b, ev.line);
        fmt::format_to(std::back_inserter(b), "\" [{}", describe(ev.reason));
        if (ev.command) fmt::format_to(std::back_inserter(b), "; sent in answer to {}", *ev.command);
        b += "]\n";
        out_.commit();
    }

    void gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) override {
        auto& b = out_.buffer();
        prefix(b, flow, ts, dir == Direction::to_server ? '>' : '<');
        fmt::format_to(std::back_inserter(b), "[gap: {} bytes from the {} are missing from the capture]\n", length,
                       dir == Direction::to_server ? "client" : "server");
        out_.commit();
    }

    void anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) override {
        auto& b = out_.buffer();
        prefix(b, flow, ts, dir == Direction::to_server ? '>' : '<');
        fmt::format_to(std::back_inserter(b), "[{}: {}]\n", anomaly_name(what), anomaly_description(what));
        out_.commit();
    }

    void tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) override {
        auto& b = out_.buffer();
        prefix(b, flow, ts, ' ');
        b += mode == TlsMode::implicit
                 ? "[implicit FTPS: the connection starts with TLS; nothing in it can be read]\n"
                 : "[the control connection is encrypted (TLS) from here on; nothing more can be read]\n";
        out_.commit();
    }

    void data_channel(const FlowInfo& flow, const DataChannelEvent& ev) override {
        auto& b = out_.buffer();
        prefix(b, flow, ev.ts, '=');
        std::string_view mode = ev.passive ? "passive" : "active";
        std::string_view command = ev.command.empty() ? std::string_view("no transfer seen") : std::string_view(ev.command);
        if (!ev.opener) {
            fmt::format_to(std::back_inserter(b), "[data connection ({}) to {} for {}: never opened in the capture]\n",
                           mode, to_string(ev.listener), command);
            out_.commit();
            return;
        }
        double ms = millis_between(ev.first, ev.last);
        fmt::format_to(std::back_inserter(b),
                       "[data connection ({}) {} -> {} for {}: {} bytes to the client, {} to the server in {:.1f} ms",
                       mode, to_string(*ev.opener), to_string(ev.listener), command, ev.bytes_to_client,
                       ev.bytes_to_server, ms);
        if (ms > 0) {
            fmt::format_to(std::back_inserter(b), " ({:.1f} kB/s)",
                           static_cast<double>(ev.bytes_to_client + ev.bytes_to_server) / ms);
        }
        fmt::format_to(std::back_inserter(b), ", {}]\n", describe(ev.end));
        out_.commit();
    }

    void session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) override {
        auto& b = out_.buffer();
        fmt::format_to(std::back_inserter(b), "session #{} ended ({}) at {}: ", flow.id, describe(why), date_time(ts));
        if (!state.user.empty()) {
            b += "user ";
            append_escaped(b, state.user);
            b += ", ";
        }
        fmt::format_to(std::back_inserter(b), "login {}, {} commands, {} replies", login_state_name(state.login),
                       state.commands, state.replies);
        if (state.tls != TlsMode::none) fmt::format_to(std::back_inserter(b), ", TLS {}", tls_mode_name(state.tls));
        b += "\n\n";
        out_.commit();
    }

    void summary(const RunSummary& run) override {
        out_.flush();
        std::string b;
        fmt::format_to(std::back_inserter(b),
                       "{}: {} packets ({}), {} TCP, {} on FTP control connections, {} on their data connections; "
                       "{} sessions, {} commands, replies 1xx {} 2xx {} 3xx {} 4xx {} 5xx {} other {}",
                       run.source, run.packets, run.linktype, run.tcp_packets, run.ftp_packets, run.data_packets,
                       run.sessions,
                       run.commands, run.replies_by_class[1], run.replies_by_class[2], run.replies_by_class[3],
                       run.replies_by_class[4], run.replies_by_class[5],
                       run.replies_by_class[0] + run.replies_by_class[6]);
        if (run.gaps > 0) fmt::format_to(std::back_inserter(b), ", {} gaps", run.gaps);
        for (const auto& [ip, f] : run.login_failures) {
            if (f.failures < kGuessingThreshold) continue;
            fmt::format_to(std::back_inserter(b), ", {} failed logins from {} in {} sessions (possible guessing)",
                           f.failures, to_string(ip), f.sessions);
        }
        for (std::size_t i = 0; i < kAnomalyCount; ++i) {
            auto a = static_cast<Anomaly>(i);
            if (run.anomalies.get(a) > 0) fmt::format_to(std::back_inserter(b), ", {} {}", run.anomalies.get(a), anomaly_name(a));
        }
        b += '\n';
        std::fwrite(b.data(), 1, b.size(), notes_);
        std::fflush(notes_);
    }

private:
    static constexpr std::size_t kTimeWidth = 15;  // "HH:MM:SS.uuuuuu"

    static void prefix(std::string& b, const FlowInfo& flow, Timestamp ts, char arrow) {
        fmt::format_to(std::back_inserter(b), "{} #{} {} ", clock_time(ts), flow.id, arrow);
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
        case DataEnd::fin: return "closed by both sides";
        case DataEnd::rst: return "reset";
        case DataEnd::end_of_capture: return "still open at the end of the capture";
        case DataEnd::never_opened: return "never opened";
        }
        return "";
    }

    static std::string_view describe(CloseReason why) {
        switch (why) {
        case CloseReason::fin: return "closed by both sides";
        case CloseReason::rst: return "reset";
        case CloseReason::idle_timeout: return "idle past --idle-timeout";
        case CloseReason::end_of_capture: return "still open at the end of the capture";
        }
        return "";
    }

    BufferedFile out_;
    std::FILE* notes_;
    const Labels& labels_;
};

}  // namespace

std::unique_ptr<Renderer> make_text_renderer(std::FILE* out, std::FILE* notes, const Labels& labels) {
    return std::make_unique<TextRenderer>(out, notes, labels);
}

}  // namespace ftpsniff
