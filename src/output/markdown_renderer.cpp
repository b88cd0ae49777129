// The bug-report document: what was captured, the findings first, a table of
// sessions, then each session's transcript in a fenced block. It is written
// at the end, so it holds the run in memory; the caps below keep that small,
// and a session's lines are dropped as soon as it can no longer be among
// the transcripts printed.
#include "buffered_file.hpp"
#include "format_time.hpp"
#include "renderers.hpp"

#include "ftpsniff/escape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace ftpsniff {

namespace {

constexpr std::size_t kMaxFindings = 200;
constexpr std::size_t kMaxTranscripts = 20;       // sessions shown in full, those with errors first
constexpr std::size_t kMaxTranscriptLines = 400;  // per session
constexpr std::size_t kMaxTableRows = 1000;       // the first sessions, and those with transcripts

// Network text for a table cell, a list item or a heading.
std::string md(std::string_view in) {
    std::string out;
    append_markdown_escaped(out, in);
    return out;
}

// Network text for a transcript: control bytes escaped as in the text
// format, nothing else, since a code block shows its lines as they are.
std::string plain(std::string_view in) {
    std::string out;
    append_escaped(out, in);
    return out;
}

// A fence longer than any run of backticks in `lines` (and at least three),
// so no line can close the block early.
std::string code_fence(const std::vector<std::string>& lines) {
    std::size_t longest = 0;
    for (const std::string& l : lines) {
        std::size_t run = 0;
        for (char c : l) {
            run = c == '`' ? run + 1 : 0;
            longest = std::max(longest, run);
        }
    }
    return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

class MarkdownRenderer : public Renderer {
public:
    MarkdownRenderer(std::FILE* out, bool frames) : out_(out), frames_(frames) {}

    void write(const Event& e, const SessionStartEvent& /*start*/) {
        seen(e.ts);
        session(e.flow.id).flow = e.flow;
    }
    void write(const Event& e, const CommandEvent& ev) {
        seen(e.ts);
        line(e, '>', ev.verb + (ev.arg.empty() ? "" : " " + plain(ev.arg)));
    }
    void write(const Event& e, const ReplyEvent& ev, const Annotation& note) {
        seen(e.ts);
        for (std::size_t i = 0; i < ev.reply.lines.size(); ++i) line(e, '<', plain(ev.reply.lines[i]));
        Session& s = session(e.flow.id);
        if (is_negative(ev.reply.code)) ++s.errors;
        for (const Diagnosis& d : note.diagnoses) {
            line(e, '!', fmt::format("{}: {}", d.id, plain(d.message)));
        }
        if (!is_finding(ev.reply.code, note)) return;
        if (s.findings++ == 0) found_in(e.flow.id);
        if (findings_.size() >= kMaxFindings) {
            ++findings_left_out_;
            return;
        }
        std::string f = fmt::format("**{} {}** (session {}, frame {}, {}{}): {} *Remedy:* {}", note.code, note.name,
                                    e.flow.id, frame_text(e.frame), clock_time(e.ts),
                                    ev.command ? ", after " + std::string(*ev.command) : "", note.meaning, note.remedy);
        for (const Diagnosis& d : note.diagnoses) {
            f += fmt::format("\n   - `{}` ({}): {} *Remedy:* {}", d.id, severity_name(d.severity), md(d.message),
                             d.remedy);
        }
        findings_.push_back(std::move(f));
    }
    void write(const Event& e, const UnparsedEvent& ev) {
        seen(e.ts);
        line(e, ev.dir == Direction::to_server ? '>' : '<',
             fmt::format("\"{}\" [{}]", plain(ev.line), unparsed_reason_name(ev.reason)));
    }
    void write(const Event& e, const GapEvent& gap) {
        seen(e.ts);
        line(e, gap.dir == Direction::to_server ? '>' : '<', fmt::format("[gap: {} bytes missing]", gap.length));
    }
    void write(const Event& e, const AnomalyEvent& anomaly) {
        seen(e.ts);
        line(e, '!', fmt::format("[{}: {}]", anomaly_name(anomaly.what), anomaly_description(anomaly.what)));
    }
    void write(const Event& e, const TlsEvent& tls) {
        seen(e.ts);
        line(e, ' ', fmt::format("[TLS ({}) from here: not readable]", tls_mode_name(tls.mode)));
    }
    void write(const Event& e, const DataChannelEvent& ev, const Annotation& note) {
        seen(e.ts);
        line(e, '=',
             fmt::format("[data connection ({}) to {} for {}: {} SYNs, {} bytes to the client, {} to the server, {}]",
                         ev.passive ? "passive" : "active", to_string(ev.listener),
                         ev.command.empty() ? "no transfer" : ev.command, ev.syns, ev.bytes_to_client,
                         ev.bytes_to_server, data_end_name(ev.end)));
        for (const Diagnosis& d : note.diagnoses) line(e, '!', fmt::format("{}: {}", d.id, plain(d.message)));
        if (note.diagnoses.empty()) return;
        Session& s = session(e.flow.id);
        if (s.findings++ == 0) found_in(e.flow.id);
        if (findings_.size() >= kMaxFindings) {
            ++findings_left_out_;
            return;
        }
        std::string f = fmt::format(
            "**Data connection for {}** (session {}, frame {}, {}):", ev.command.empty() ? "no transfer" : ev.command,
            e.flow.id, frame_text(e.frame), clock_time(e.ts));
        for (const Diagnosis& d : note.diagnoses) {
            f += fmt::format("\n   - `{}` ({}): {} *Remedy:* {}", d.id, severity_name(d.severity), md(d.message),
                             d.remedy);
        }
        findings_.push_back(std::move(f));
    }
    void write(const Event& e, const SessionEndEvent& end, const Annotation& note) {
        seen(e.ts);
        Session& s = session(e.flow.id);
        s.state = end.state;
        if (note.software != nullptr) {
            s.software = note.software->product;
            if (!note.software->version.empty()) s.software += " " + md(note.software->version);
        }
        s.end = close_reason_name(end.why);
        for (const Diagnosis& d : note.diagnoses) line(e, '!', fmt::format("{}: {}", d.id, plain(d.message)));
        if (!note.diagnoses.empty()) {
            if (s.findings++ == 0) found_in(e.flow.id);
            if (findings_.size() < kMaxFindings) {
                std::string f = fmt::format("**Session end** (session {}, {}):", e.flow.id, clock_time(e.ts));
                for (const Diagnosis& d : note.diagnoses) {
                    f += fmt::format("\n   - `{}` ({}): {} *Remedy:* {}", d.id, severity_name(d.severity),
                                     md(d.message), d.remedy);
                }
                findings_.push_back(std::move(f));
            } else {
                ++findings_left_out_;
            }
        }
        s.verdict = "healthy";
        if (note.verdict != nullptr && note.verdict->worst) {
            s.verdict = fmt::format("`{}` ({}, frame {})", note.verdict->id, severity_name(*note.verdict->worst),
                                    frame_text(note.verdict->frame));
        }
        // Without findings it ranks after every session with a lower id:
        // with kMaxTranscripts of those it will not be shown.
        if (s.findings == 0 && first_ids_.size() == kMaxTranscripts && *first_ids_.rbegin() < e.flow.id) drop_lines(s);
        if (s.out && s.order >= kMaxTableRows) {
            ++rows_left_out_;
            sessions_.erase(e.flow.id);
        }
    }
    void on(const Event& ev, const Annotation& note) override { write_event(*this, ev, note); }

    // Each finding once, errors first, with how often, where and its remedy.
    static void findings_by_cause(std::string& b, const RunSummary& run) {
        auto out = std::back_inserter(b);
        b += "## Findings by cause\n\n";
        std::vector<const FindingEntry*> all = findings_first(run);
        if (all.empty()) b += "None: every session is healthy.\n";
        for (const FindingEntry* f : all) {
            const FindingGroup& g = f->second;
            fmt::format_to(out, "- **`{}`** ({}) ×{} in {} session{}, frame {}", f->first, severity_name(g.severity),
                           g.count, g.sessions, g.sessions == 1 ? "" : "s", frame_text(g.first_frame));
            if (g.count > 1) fmt::format_to(out, " to {}", frame_text(g.last_frame));
            if (g.explains > 0) {
                fmt::format_to(out, ", the cause of {} other finding{}", g.explains, g.explains == 1 ? "" : "s");
            }
            fmt::format_to(out, ": {} *Remedy:* {}\n", md(g.message), g.remedy);
        }
        b += '\n';
    }

    void summary(const RunSummary& run) override {
        std::string& b = out_.buffer();
        auto out = std::back_inserter(b);
        fmt::format_to(out, "# FTP capture report: {}\n\n", md(run.source));
        findings_by_cause(b, run);
        b += "## What was captured\n\n| | |\n|---|---|\n";
        fmt::format_to(out, "| File | {} |\n| Link type | {} |\n", md(run.source), md(run.linktype));
        fmt::format_to(out, "| Packets | {} ({} TCP, {} on FTP control connections, {} on data connections) |\n",
                       run.packets, run.tcp_packets, run.ftp_packets, run.data_packets);
        if (first_) {
            fmt::format_to(out, "| Time span | {} to {} ({:.3f} s) |\n", date_time(*first_), date_time(last_),
                           millis_between(*first_, last_) / 1000);
        }
        fmt::format_to(out, "| Sessions | {} ({} logged in, {} failed logins", run.sessions, run.logins_ok,
                       run.logins_failed);
        if (run.logins_refused > 0) fmt::format_to(out, ", {} refused by the server's policy", run.logins_refused);
        b += ") |\n";
        fmt::format_to(out, "| Gaps | {} |\n| Anomalies | ", run.gaps);
        bool any = false;
        for (std::size_t i = 0; i < kAnomalyCount; ++i) {
            auto a = Anomaly::from_id(i);
            if (run.anomalies.get(a) == 0) continue;
            fmt::format_to(out, "{}{} {}", any ? ", " : "", anomaly_name(a), run.anomalies.get(a));
            any = true;
        }
        b += any ? " |\n" : "none |\n";
        if (run.cut) fmt::format_to(out, "| Cut short | {} |\n", md(*run.cut));
        if (run.kernel) {
            fmt::format_to(out, "| Drops | {} of {} packets dropped by the kernel, {} by the interface |\n",
                           run.kernel->dropped, run.kernel->received, run.kernel->if_dropped);
        }

        b += "\n## Findings\n\n";
        if (findings_.empty()) b += "No error replies and no diagnoses.\n";
        for (std::size_t i = 0; i < findings_.size(); ++i) fmt::format_to(out, "{}. {}\n", i + 1, findings_[i]);
        if (findings_left_out_ > 0) fmt::format_to(out, "\n({} more not listed.)\n", findings_left_out_);
        for (const auto& [ip, f] : run.login_failures) {
            if (f.failures >= kGuessingThreshold) {
                fmt::format_to(out, "\n- Possible password guessing: {} failed logins from {} in {} sessions.\n",
                               f.failures, to_string(ip), f.sessions);
            }
        }

        b += "\n## Sessions\n\n| # | Client | Server | Software | User | Login | TLS | Commands | Errors | End | "
             "Verdict |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
        for (const auto& [id, s] : sessions_) {
            fmt::format_to(out, "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", id,
                           to_string(s.flow.client), to_string(s.flow.server), s.software,
                           s.state.user.empty() ? "" : md(s.state.user), login_state_name(s.state.login),
                           tls_mode_name(s.state.tls), s.state.commands, s.errors, s.end.empty() ? "open" : s.end,
                           s.verdict);
        }
        if (rows_left_out_ > 0) fmt::format_to(out, "\n({} more sessions not in this table.)\n", rows_left_out_);

        b += "\n## Transcripts\n";
        std::vector<const Session*> order;
        for (const auto& [id, s] : sessions_) order.push_back(&s);
        std::stable_sort(order.begin(), order.end(),
                         [](const Session* x, const Session* y) { return (x->findings > 0) > (y->findings > 0); });
        if (order.size() > kMaxTranscripts) order.resize(kMaxTranscripts);
        std::sort(order.begin(), order.end(),
                  [](const Session* x, const Session* y) { return x->flow.id < y->flow.id; });
        for (const Session* s : order) {
            const std::string fence = code_fence(s->lines);
            fmt::format_to(out, "\n### Session {}: {} to {}\n\n{}text\n", s->flow.id, to_string(s->flow.client),
                           to_string(s->flow.server), fence);
            for (const std::string& l : s->lines) fmt::format_to(out, "{}\n", l);
            if (s->lines_left_out > 0) fmt::format_to(out, "... {} more lines\n", s->lines_left_out);
            fmt::format_to(out, "{}\n", fence);
        }
        if (sessions_.size() + rows_left_out_ > order.size()) {
            fmt::format_to(out, "\n({} more sessions without transcripts.)\n",
                           sessions_.size() + rows_left_out_ - order.size());
        }
        out_.flush();
    }

private:
    struct Session {
        FlowInfo flow;
        std::vector<std::string> lines;
        std::size_t lines_left_out = 0;
        std::uint64_t errors = 0;
        std::uint64_t findings = 0;
        SessionState state;
        std::string software;  // Markdown: the version from the network is escaped
        std::string_view end;
        std::string verdict = "open";
        std::uint64_t order = 0;  // 0 for the first session seen
        bool out = false;         // can no longer be among the transcripts: no lines kept
    };

    Session& session(std::uint64_t id) {
        auto [it, fresh] = sessions_.try_emplace(id);
        if (fresh) {
            it->second.order = started_++;
            first_ids_.insert(id);
            if (first_ids_.size() > kMaxTranscripts) first_ids_.erase(std::prev(first_ids_.end()));
        }
        return it->second;
    }
    void drop_lines(Session& s) {
        s.out = true;
        std::vector<std::string>().swap(s.lines);
    }
    // Session `id` has its first finding. Transcripts go to the first
    // kMaxTranscripts sessions with findings, by id, then to the first
    // sessions without: once that many with findings are known, no session
    // after the last of them can be shown.
    void found_in(std::uint64_t id) {
        first_found_.insert(id);
        if (first_found_.size() > kMaxTranscripts) first_found_.erase(std::prev(first_found_.end()));
        if (first_found_.size() < kMaxTranscripts) return;
        for (auto it = sessions_.upper_bound(*first_found_.rbegin()); it != sessions_.end();) {
            Session& s = it->second;
            if (!s.out) drop_lines(s);
            if (!s.end.empty() && s.order >= kMaxTableRows) {
                ++rows_left_out_;
                it = sessions_.erase(it);
            } else {
                ++it;
            }
        }
    }

    void seen(Timestamp ts) {
        if (!first_) first_ = ts;
        last_ = std::max(last_, ts);
    }
    void line(const Event& e, char arrow, const std::string& text) {
        Session& s = session(e.flow.id);
        if (s.out) return;
        if (s.lines.size() >= kMaxTranscriptLines) {
            ++s.lines_left_out;
            return;
        }
        if (frames_) {
            s.lines.push_back(fmt::format("{:>6} {} {} {}", frame_text(e.frame), clock_time(e.ts), arrow, text));
        } else {
            s.lines.push_back(fmt::format("{} {} {}", clock_time(e.ts), arrow, text));
        }
    }

    BufferedFile out_;
    bool frames_;
    std::map<std::uint64_t, Session> sessions_;
    std::uint64_t started_ = 0;
    std::size_t rows_left_out_ = 0;        // sessions past kMaxTableRows that ended without a transcript
    std::set<std::uint64_t> first_found_;  // the lowest ids of sessions with findings, at most kMaxTranscripts
    std::set<std::uint64_t> first_ids_;    // the lowest ids of all sessions, at most kMaxTranscripts
    std::vector<std::string> findings_;
    std::size_t findings_left_out_ = 0;
    std::optional<Timestamp> first_;
    Timestamp last_{};
};

}  // namespace

std::unique_ptr<Renderer> make_markdown_renderer(std::FILE* out, bool frames) {
    return std::make_unique<MarkdownRenderer>(out, frames);
}

}  // namespace ftpsniff
