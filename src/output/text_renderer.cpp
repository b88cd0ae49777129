// The transcript for people: one line per command and reply line, and under
// each reply what it means and what to do.
#include "buffered_file.hpp"
#include "format_time.hpp"
#include "renderers.hpp"
#include "wording.hpp"

#include "ftpsniff/escape.hpp"

#include <fmt/format.h>

#include <map>
#include <unordered_set>

namespace ftpsniff {

namespace {

using fmt::arg;

constexpr std::string_view kIndent = "    ";
constexpr std::string_view kDot = " · ";

std::string escaped(std::string_view in) {
    std::string out;
    append_escaped(out, in);
    return out;
}

class TextRenderer : public Renderer {
public:
    TextRenderer(std::FILE* out, std::FILE* notes, const RenderOptions& opts)
        : out_(out, opts.flush_each),
          notes_(notes),
          labels_(labels_for(opts.lang)),
          words_(opts.lang),
          color_(opts.color),
          frames_(opts.frames),
          brief_(opts.brief),
          ascii_(opts.ascii) {
        out_.ascii(ascii_);
    }

    void write(const Event& e, const SessionStartEvent& /*start*/) {
        auto& b = out_.buffer();
        words_.append(b, "session_start", arg("id", e.flow.id), arg("client", to_string(e.flow.client)),
                      arg("server", to_string(e.flow.server)), arg("time", date_time(e.ts)));
        if (frames_) words_.append(b, "frame", arg("frame", frame_text(e.frame)));
        if (!e.flow.handshake_seen) b += words_.text("no_handshake");
        b += '\n';
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
        if (ev.truncated) b += words_.text("line_cut");
        if (ev.telnet_interrupt) b += words_.text("after_telnet_ip");
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
        if (!explained(ev.reply.code, note)) {
            out_.commit();
            return;
        }
        b += kIndent;
        fmt::format_to(std::back_inserter(b), "{} {} · {}", note.code, note.name, note.reply_class);
        b += kDot;
        if (ev.greeting && note.software != nullptr) {
            words_.append(b, "greeting_from", arg("software", software(*note.software)));
        } else if (ev.greeting) {
            b += words_.text("greeting");
        } else if (ev.command && ev.latency_ms) {
            words_.append(b, "answers_after", arg("command", Wording::command(*ev.command, ev.argument)),
                          arg("ms", *ev.latency_ms));
        } else if (ev.command) {
            words_.append(b, "answers", arg("command", Wording::command(*ev.command, ev.argument)));
        } else {
            b += words_.text("unprompted");
        }
        if (ev.uncertain) fmt::format_to(std::back_inserter(b), "{}{}", kDot, words_.text("pairing_uncertain"));
        if (!ev.reply.complete) fmt::format_to(std::back_inserter(b), "{}{}", kDot, words_.text("incomplete"));
        if (ev.reply.truncated) fmt::format_to(std::back_inserter(b), "{}{}", kDot, words_.text("reply_cut"));
        fmt::format_to(std::back_inserter(b), "\n{}{}: {}\n{}{}: {}\n", kIndent, labels_.meaning, note.meaning, kIndent,
                       labels_.remedy, note.remedy);
        diagnoses(b, note);
        out_.commit();
    }

    // Under --brief, a reply is explained when it needs attention or its
    // explanation has not been shown before (a few hundred exist).
    bool explained(int code, const Annotation& note) {
        if (!brief_) return true;
        const bool first = shown_.insert(std::hash<std::string_view>{}(note.meaning)).second;
        return first || code >= 400 || !note.diagnoses.empty();
    }

    // The session's worst finding, or that it had none above info.
    void verdict(std::string& b, const SessionVerdict& v) const {
        b += "\n  ";
        if (!v.worst) {
            b += words_.text("verdict_healthy");
            return;
        }
        words_.append(b, "verdict", arg("id", v.id), arg("severity", words_.severity(*v.worst)),
                      arg("frame", frame_text(v.frame)));
        if (v.errors + v.warnings > 1) {
            words_.append(b, "verdict_counts", arg("errors", words_.counting("errors", v.errors)),
                          arg("warnings", words_.counting("warnings", v.warnings)));
        }
    }

    // Each finding once, errors first, with how often, where and its remedy.
    void findings(std::string& b, const RunSummary& run) const {
        for (const FindingEntry* f : findings_first(run)) {
            const FindingGroup& g = f->second;
            fmt::format_to(std::back_inserter(b), "  {} {} ", words_.severity(g.severity), f->first);
            words_.append(b, "occurrences", arg("count", g.count), arg("sessions", words_.sessions(g.sessions)),
                          arg("frames", words_.frames(g)));
            if (g.explains > 0) words_.append(b, words_.counted("finding_cause", g.explains), arg("count", g.explains));
            b += ": ";
            append_escaped(b, g.message);
            fmt::format_to(std::back_inserter(b), "\n      {}: {}\n", words_.text("do"), g.remedy);
        }
    }

    void diagnoses(std::string& b, const Annotation& note) const {
        for (const Diagnosis& d : note.diagnoses) {
            b += kIndent;
            start(b, kMagenta);
            fmt::format_to(std::back_inserter(b), "! {} ({}): ", d.id, words_.severity(d.severity));
            append_escaped(b, d.message);  // may quote addresses or codes from the capture
            stop(b, kMagenta);
            fmt::format_to(std::back_inserter(b), "\n{}  {}: {}\n", kIndent, words_.text("do"), d.remedy);
        }
    }

    void write(const Event& e, const UnparsedEvent& ev) {
        auto& b = out_.buffer();
        prefix(b, e, ev.dir == Direction::to_server ? '>' : '<');
        b += '"';
        append_escaped(b, ev.line);
        b += "\" [";
        if (ev.command) {
            words_.append(b, "unparsed_answer", arg("reason", words_.unparsed(ev.reason)), arg("command", *ev.command));
        } else {
            b += words_.unparsed(ev.reason);
        }
        b += "]\n";
        out_.commit();
    }

    void write(const Event& e, const GapEvent& gap) {
        auto& b = out_.buffer();
        prefix(b, e, gap.dir == Direction::to_server ? '>' : '<');
        start(b, kRed);
        b += '[';
        words_.append(b, gap.dir == Direction::to_server ? "gap.to_server" : "gap.to_client", arg("bytes", gap.length));
        b += ']';
        stop(b, kRed);
        b += '\n';
        out_.commit();
    }

    void write(const Event& e, const AnomalyEvent& anomaly) {
        // The same anomaly again in a session is counted, and the count
        // printed at its end: one line each, not hundreds. A filter may hide
        // the ends (--errors): past a bound, every one is printed instead.
        const std::pair<std::uint64_t, std::size_t> key{e.flow.id, anomaly.what.id()};
        if (auto it = repeats_.find(key); it != repeats_.end()) {
            ++it->second;
            return;
        }
        if (repeats_.size() < kRepeatsTracked) repeats_.emplace(key, 1);
        auto& b = out_.buffer();
        prefix(b, e, anomaly.dir == Direction::to_server ? '>' : '<');
        start(b, kRed);
        fmt::format_to(std::back_inserter(b), "[{}: {}]", anomaly_name(anomaly.what), words_.anomaly(anomaly.what));
        stop(b, kRed);
        b += '\n';
        out_.commit();
    }

    void write(const Event& e, const TlsEvent& tls) {
        auto& b = out_.buffer();
        prefix(b, e, ' ');
        fmt::format_to(std::back_inserter(b), "[{}]\n", words_.tls_starts(tls.mode));
        out_.commit();
    }

    void write(const Event& e, const DataChannelEvent& ev, const Annotation& note) {
        auto& b = out_.buffer();
        prefix(b, e, '=');
        b += '[';
        words_.data_connection(b, ev);
        b += "]\n";
        diagnoses(b, note);
        out_.commit();
    }

    void write(const Event& e, const SessionEndEvent& end, const Annotation& note) {
        auto& b = out_.buffer();
        for (auto it = repeats_.lower_bound({e.flow.id, 0}); it != repeats_.end() && it->first.first == e.flow.id;) {
            if (it->second > 1) {
                prefix(b, e, ' ');
                start(b, kRed);
                b += '[';
                words_.append(b, "anomaly_repeated", arg("name", anomaly_name(Anomaly::from_id(it->first.second))),
                              arg("count", it->second - 1));
                b += ']';
                stop(b, kRed);
                b += '\n';
            }
            it = repeats_.erase(it);
        }
        words_.append(b, "session_end", arg("id", e.flow.id), arg("why", words_.ended(end.why)),
                      arg("time", date_time(e.ts)));
        if (note.software != nullptr) {
            words_.append(b, "server_from", arg("software", software(*note.software)),
                          arg("clue", words_.clue(note.software->clue)));
        }
        if (!end.state.user.empty()) words_.append(b, "user", arg("user", escaped(end.state.user)));
        words_.append(b, "session_counts", arg("login", words_.login(end.state.login)),
                      arg("commands", words_.counting("commands", end.state.commands)),
                      arg("replies", words_.counting("replies", end.state.replies)));
        if (end.state.tls != TlsMode::none)
            fmt::format_to(std::back_inserter(b), "{}TLS {}", words_.text("comma"), words_.tls(end.state.tls));
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
        words_.append(b, "summary", arg("source", run.source), arg("linktype", run.linktype),
                      arg("packets", run.packets), arg("tcp", run.tcp_packets), arg("ftp", run.ftp_packets),
                      arg("data", run.data_packets));
        b += '\n';
        if (!run.filter.empty()) {
            b += "  ";
            std::string filter;
            append_escaped(filter, run.filter);  // as typed, but never a control byte raw
            words_.append(b, words_.counted("summary_filter", run.filtered_out), arg("filter", filter),
                          arg("frames", run.filtered_out));
            b += '\n';
        }
        findings(b, run);
        b += "  ";
        words_.append(b, "summary_sessions", arg("sessions", words_.sessions(run.sessions)),
                      arg("commands", words_.counting("commands", run.commands)), arg("ok", run.logins_ok),
                      arg("failed", run.logins_failed));
        if (run.logins_refused > 0) words_.append(b, "refused_by_policy", arg("refused", run.logins_refused));
        b += "\n  ";
        const auto& c = run.replies_by_class;
        words_.append(b, "summary_replies", arg("c1", c[1]), arg("c2", c[2]), arg("c3", c[3]), arg("c4", c[4]),
                      arg("c5", c[5]), arg("other", c[0] + c[6]));
        b += '\n';
        auto errors = top_errors(run);
        if (!errors.empty()) {
            fmt::format_to(out, "  {}", words_.text("top_errors"));
            for (const ErrorCount& e : errors) {
                b += ' ';
                if (e.command.empty()) {
                    fmt::format_to(out, "{}", e.code);
                } else {
                    words_.append(b, "top_error_after", arg("code", e.code), arg("command", e.command));
                }
                fmt::format_to(out, " x{};", e.count);
            }
            b.back() = '\n';
        }
        for (const auto& [ip, f] : run.login_failures) {
            if (f.failures < kGuessingThreshold) continue;
            b += "  ";
            words_.append(b, "guessing", arg("failures", f.failures), arg("address", to_string(ip)),
                          arg("sessions", words_.sessions(f.sessions)));
            b += '\n';
        }
        if (run.kernel) {
            b += "  ";
            words_.append(b, "kernel", arg("received", run.kernel->received), arg("dropped", run.kernel->dropped),
                          arg("if_dropped", run.kernel->if_dropped));
            b += '\n';
        }
        b += "  ";
        words_.append(b, "gaps", arg("gaps", run.gaps));
        for (std::size_t i = 0; i < kAnomalyCount; ++i) {
            auto a = Anomaly::from_id(i);
            if (run.anomalies.get(a) > 0) fmt::format_to(out, "; {} {}", anomaly_name(a), run.anomalies.get(a));
        }
        b += '\n';
        if (ascii_) ascii_typography(b);
        std::fwrite(b.data(), 1, b.size(), notes_);
        std::fflush(notes_);
    }

private:
    static constexpr std::size_t kTimeWidth = 15;         // "HH:MM:SS.uuuuuu"
    static constexpr std::size_t kRepeatsTracked = 4096;  // (session, anomaly) pairs
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
    static std::string software(const ServerSoftware& s) {
        return s.version.empty() ? s.product : fmt::format("{} {}", s.product, escaped(s.version));
    }

    BufferedFile out_;
    std::FILE* notes_;
    const Labels& labels_;
    Wording words_;
    bool color_;
    bool frames_;
    bool brief_;
    bool ascii_;
    std::map<std::pair<std::uint64_t, std::size_t>, std::uint64_t> repeats_;  // (session, anomaly): how many
    std::unordered_set<std::size_t> shown_;                                   // explanations shown, under --brief
};

}  // namespace

std::unique_ptr<Renderer> make_text_renderer(std::FILE* out, std::FILE* notes, const RenderOptions& opts) {
    return std::make_unique<TextRenderer>(out, notes, opts);
}

}  // namespace ftpsniff
