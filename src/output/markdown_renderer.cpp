// The bug-report document: what was captured, the findings first, a table of
// sessions, then each session's transcript in a fenced block. It is written
// at the end, so it holds the run in memory; the caps below keep that small,
// and a session's lines are dropped as soon as it can no longer be among
// the transcripts printed.
#include "buffered_file.hpp"
#include "format_time.hpp"
#include "renderers.hpp"
#include "sequence_diagram.hpp"
#include "wording.hpp"

#include "ftpsniff/community_id.hpp"
#include "ftpsniff/escape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace ftpsniff {

namespace {

using fmt::arg;

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
    MarkdownRenderer(std::FILE* out, const RenderOptions& opts)
        : out_(out), words_(opts.lang), remedy_(labels_for(opts.lang).remedy), frames_(opts.frames) {}

    void write(const Event& e, const SessionStartEvent& /*start*/) {
        seen(e.ts);
        session(e.flow.id).flow = e.flow;
    }
    void write(const Event& e, const CommandEvent& ev) {
        seen(e.ts);
        line(e, '>', ev.verb + (ev.arg.empty() ? "" : " " + plain(ev.arg)));
        if (SequenceDiagram* d = diagram(e)) d->command(ev.arg.empty() ? ev.verb : ev.verb + " " + ev.arg);
    }
    void write(const Event& e, const ReplyEvent& ev, const Annotation& note) {
        seen(e.ts);
        for (std::size_t i = 0; i < ev.reply.lines.size(); ++i) line(e, '<', plain(ev.reply.lines[i]));
        Session& s = session(e.flow.id);
        if (is_negative(ev.reply.code)) ++s.errors;
        for (const Diagnosis& d : note.diagnoses) {
            line(e, '!', fmt::format("{}: {}", d.id, plain(d.message)));
        }
        if (SequenceDiagram* d = diagram(e)) {
            auto mark = SequenceDiagram::mark_of_reply(ev.reply.code);
            for (const Diagnosis& g : note.diagnoses) mark = std::max(mark, SequenceDiagram::mark_of(g.severity));
            d->reply(ev.reply.lines.empty() ? std::string_view() : ev.reply.lines.front(), ev.latency_ms, mark);
            findings_on(*d, note.diagnoses);
        }
        if (!is_finding(ev.reply.code, note)) return;
        if (s.findings++ == 0) found_in(e.flow.id);
        if (findings_.size() >= kMaxFindings) {
            ++findings_left_out_;
            return;
        }
        std::string f = fmt::format("**{} {}** ({}", note.code, note.name, where(e));
        if (ev.command) words_.append(f, "md.after", arg("command", *ev.command));
        fmt::format_to(std::back_inserter(f), "): {} *{}:* {}", note.meaning, remedy_, note.remedy);
        list(f, note.diagnoses);
        findings_.push_back(std::move(f));
    }
    void write(const Event& e, const UnparsedEvent& ev) {
        seen(e.ts);
        line(e, ev.dir == Direction::to_server ? '>' : '<',
             fmt::format("\"{}\" [{}]", plain(ev.line), words_.unparsed(ev.reason)));
        if (SequenceDiagram* d = diagram(e)) d->unparsed(ev.dir == Direction::to_server, ev.line);
    }
    void write(const Event& e, const GapEvent& gap) {
        seen(e.ts);
        const std::string text = words_.format(gap.dir == Direction::to_server ? "gap.to_server" : "gap.to_client",
                                               arg("bytes", gap.length));
        line(e, gap.dir == Direction::to_server ? '>' : '<', "[" + text + "]");
        if (SequenceDiagram* d = diagram(e)) d->note(text, SequenceDiagram::Mark::none);
    }
    void write(const Event& e, const AnomalyEvent& anomaly) {
        seen(e.ts);
        line(e, '!', fmt::format("[{}: {}]", anomaly_name(anomaly.what), words_.anomaly(anomaly.what)));
    }
    void write(const Event& e, const TlsEvent& tls) {
        seen(e.ts);
        line(e, ' ', fmt::format("[{}]", words_.tls_starts(tls.mode)));
        if (SequenceDiagram* d = diagram(e)) d->note(words_.tls_starts(tls.mode), SequenceDiagram::Mark::none);
    }
    void write(const Event& e, const DataChannelEvent& ev, const Annotation& note) {
        seen(e.ts);
        std::string text = "[";
        words_.data_connection(text, ev);
        line(e, '=', text + "]");
        for (const Diagnosis& d : note.diagnoses) line(e, '!', fmt::format("{}: {}", d.id, plain(d.message)));
        if (SequenceDiagram* d = diagram(e)) {
            auto mark = SequenceDiagram::Mark::none;
            for (const Diagnosis& g : note.diagnoses) mark = std::max(mark, SequenceDiagram::mark_of(g.severity));
            std::string arrow;
            std::string details;
            words_.data_step(arrow, details, ev);
            const bool connected = ev.opener && ev.end != DataEnd::unanswered && ev.end != DataEnd::refused;
            d->data(ev.passive, connected, arrow, details, mark);
            findings_on(*d, note.diagnoses);
        }
        if (note.diagnoses.empty()) return;
        Session& s = session(e.flow.id);
        if (s.findings++ == 0) found_in(e.flow.id);
        if (findings_.size() >= kMaxFindings) {
            ++findings_left_out_;
            return;
        }
        std::string f = fmt::format(
            "**{}** ({}):",
            words_.format("md.data_finding",
                          arg("command", ev.command.empty() ? words_.text("data.no_transfer") : ev.command)),
            where(e));
        list(f, note.diagnoses);
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
        s.end = words_.ended(end.why);
        for (const Diagnosis& d : note.diagnoses) line(e, '!', fmt::format("{}: {}", d.id, plain(d.message)));
        if (SequenceDiagram* d = diagram(e); d != nullptr && !note.diagnoses.empty()) {
            d->note(words_.text("md.session_end"), SequenceDiagram::Mark::none);
            findings_on(*d, note.diagnoses);
        }
        if (!note.diagnoses.empty()) {
            if (s.findings++ == 0) found_in(e.flow.id);
            if (findings_.size() < kMaxFindings) {
                std::string f = fmt::format("**{}** ({}):", words_.text("md.session_end"), where(e));
                list(f, note.diagnoses);
                findings_.push_back(std::move(f));
            } else {
                ++findings_left_out_;
            }
        }
        s.verdict = words_.text("md.healthy");
        if (note.verdict != nullptr && note.verdict->worst) {
            s.verdict = fmt::format("`{}` ({}{})", note.verdict->id, words_.severity(*note.verdict->worst),
                                    words_.format("frame", arg("frame", frame_text(note.verdict->frame))));
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
    void findings_by_cause(std::string& b, const RunSummary& run) const {
        auto out = std::back_inserter(b);
        fmt::format_to(out, "## {}\n\n", words_.text("md.by_cause"));
        std::vector<const FindingEntry*> all = findings_first(run);
        if (all.empty()) fmt::format_to(out, "{}\n", words_.text("md.no_findings_by_cause"));
        for (const FindingEntry* f : all) {
            const FindingGroup& g = f->second;
            b += "- ";
            fmt::format_to(out, "**`{}`** ({}) ", f->first, words_.severity(g.severity));
            words_.append(b, "occurrences", arg("count", g.count), arg("sessions", words_.sessions(g.sessions)),
                          arg("frames", words_.frames(g)));
            if (g.explains > 0) words_.append(b, words_.counted("finding_cause", g.explains), arg("count", g.explains));
            fmt::format_to(out, ": {} *{}:* {}\n", md(g.message), remedy_, g.remedy);
        }
        b += '\n';
    }

    void summary(const RunSummary& run) override {
        std::string& b = out_.buffer();
        auto out = std::back_inserter(b);
        auto row = [&](std::string_view key, std::string_view value) {
            fmt::format_to(out, "| {} | {} |\n", words_.text(key), value);
        };
        fmt::format_to(out, "# {}\n\n", words_.format("md.title", arg("source", md(run.source))));
        findings_by_cause(b, run);
        fmt::format_to(out, "## {}\n\n| | |\n|---|---|\n", words_.text("md.captured"));
        row("md.file", md(run.source));
        row("md.link_type", md(run.linktype));
        row("md.packets", words_.format("md.packets_value", arg("packets", run.packets), arg("tcp", run.tcp_packets),
                                        arg("ftp", run.ftp_packets), arg("data", run.data_packets)));
        if (first_) {
            row("md.time_span",
                words_.format("md.time_span_value", arg("first", date_time(*first_)), arg("last", date_time(last_)),
                              arg("seconds", millis_between(*first_, last_) / 1000)));
        }
        std::string sessions = words_.format("md.sessions_value", arg("sessions", run.sessions),
                                             arg("ok", run.logins_ok), arg("failed", run.logins_failed));
        if (run.logins_refused > 0) words_.append(sessions, "refused_by_policy", arg("refused", run.logins_refused));
        row("md.sessions", sessions + ")");
        row("md.gaps", fmt::format("{}", run.gaps));
        std::vector<std::string> anomalies;
        for (std::size_t i = 0; i < kAnomalyCount; ++i) {
            auto a = Anomaly::from_id(i);
            if (run.anomalies.get(a) > 0)
                anomalies.push_back(fmt::format("{} {}", anomaly_name(a), run.anomalies.get(a)));
        }
        row("md.anomalies",
            anomalies.empty() ? std::string(words_.text("md.none")) : fmt::format("{}", fmt::join(anomalies, ", ")));
        if (run.cut) row("md.cut_short", md(*run.cut));
        if (!run.filter.empty()) {
            row("md.filter", words_.format(words_.counted("md.filter_value", run.filtered_out),
                                           arg("filter", md(run.filter)), arg("frames", run.filtered_out)));
        }
        if (run.kernel) {
            row("md.drops",
                words_.format("md.drops_value", arg("dropped", run.kernel->dropped),
                              arg("received", run.kernel->received), arg("if_dropped", run.kernel->if_dropped)));
        }

        fmt::format_to(out, "\n## {}\n\n", words_.text("md.findings"));
        if (findings_.empty()) fmt::format_to(out, "{}\n", words_.text("md.no_findings"));
        for (std::size_t i = 0; i < findings_.size(); ++i) fmt::format_to(out, "{}. {}\n", i + 1, findings_[i]);
        if (findings_left_out_ > 0) {
            fmt::format_to(out, "\n{}\n", words_.format("md.more_findings", arg("count", findings_left_out_)));
        }
        for (const auto& [ip, f] : run.login_failures) {
            if (f.failures >= kGuessingThreshold) {
                fmt::format_to(out, "\n- {}\n",
                               words_.format("md.guessing", arg("failures", f.failures), arg("address", to_string(ip)),
                                             arg("sessions", words_.sessions(f.sessions))));
            }
        }

        fmt::format_to(out, "\n## {}\n\n| # |", words_.text("md.session_table"));
        static constexpr std::array<std::string_view, 11> kColumns = {
            "md.col.client", "md.col.server", "md.col.community_id", "md.col.software",
            "md.col.user",   "md.col.login",  "md.col.tls",          "md.col.commands",
            "md.col.errors", "md.col.end",    "md.col.verdict"};
        for (std::string_view c : kColumns) fmt::format_to(out, " {} |", words_.text(c));
        b += "\n|---|---|---|---|---|---|---|---|---|---|---|---|\n";
        for (const auto& [id, s] : sessions_) {
            fmt::format_to(
                out, "| {} | {} | {} | `{}` | {} | {} | {} | {} | {} | {} | {} | {} |\n", id, to_string(s.flow.client),
                to_string(s.flow.server), community_id(s.flow.client, s.flow.server), s.software,
                s.state.user.empty() ? "" : md(s.state.user), words_.login(s.state.login), words_.tls(s.state.tls),
                s.state.commands, s.errors, s.end.empty() ? words_.text("md.open") : s.end,
                s.verdict.empty() ? words_.text("md.open") : s.verdict);
        }
        if (rows_left_out_ > 0) {
            fmt::format_to(out, "\n{}\n", words_.format("md.more_rows", arg("count", rows_left_out_)));
        }

        fmt::format_to(out, "\n## {}\n", words_.text("md.transcripts"));
        std::vector<const Session*> order;
        for (const auto& [id, s] : sessions_) order.push_back(&s);
        std::stable_sort(order.begin(), order.end(),
                         [](const Session* x, const Session* y) { return (x->findings > 0) > (y->findings > 0); });
        if (order.size() > kMaxTranscripts) order.resize(kMaxTranscripts);
        std::sort(order.begin(), order.end(),
                  [](const Session* x, const Session* y) { return x->flow.id < y->flow.id; });
        for (const Session* s : order) {
            const std::string fence = code_fence(s->lines);
            fmt::format_to(
                out, "\n### {}\n\n",
                words_.format("md.session_heading", arg("id", s->flow.id), arg("client", to_string(s->flow.client)),
                              arg("server", to_string(s->flow.server))));
            if (s->findings > 0) {
                s->diagram.render(b, words_, to_string(s->flow.client), to_string(s->flow.server));
                b += '\n';
            }
            fmt::format_to(out, "{}text\n", fence);
            for (const std::string& l : s->lines) fmt::format_to(out, "{}\n", l);
            if (s->lines_left_out > 0) {
                fmt::format_to(out, "{}\n", words_.format("md.more_lines", arg("count", s->lines_left_out)));
            }
            fmt::format_to(out, "{}\n", fence);
        }
        if (sessions_.size() + rows_left_out_ > order.size()) {
            fmt::format_to(
                out, "\n{}\n",
                words_.format("md.no_transcripts", arg("count", sessions_.size() + rows_left_out_ - order.size())));
        }
        out_.flush();
    }

private:
    struct Session {
        FlowInfo flow;
        std::vector<std::string> lines;
        std::size_t lines_left_out = 0;
        SequenceDiagram diagram;  // drawn when the session has findings
        std::uint64_t errors = 0;
        std::uint64_t findings = 0;
        SessionState state;
        std::string software;  // Markdown: the version from the network is escaped
        std::string_view end;
        std::string verdict;      // "" until it ends
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
        s.diagram = SequenceDiagram();
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

    // The session's diagram, while it may still be among the transcripts.
    SequenceDiagram* diagram(const Event& e) {
        Session& s = session(e.flow.id);
        return s.out ? nullptr : &s.diagram;
    }
    void findings_on(SequenceDiagram& d, const std::vector<Diagnosis>& diagnoses) const {
        for (const Diagnosis& g : diagnoses)
            d.finding(g.id, words_.severity(g.severity), SequenceDiagram::mark_of(g.severity));
    }

    // "session 2, frame 31, 10:04:05.000001": where a finding is.
    [[nodiscard]] std::string where(const Event& e) const {
        return words_.format("md.where", arg("id", e.flow.id), arg("frame", frame_text(e.frame)),
                             arg("time", clock_time(e.ts)));
    }
    // The diagnoses under a finding, one list item each.
    void list(std::string& f, const std::vector<Diagnosis>& diagnoses) const {
        for (const Diagnosis& d : diagnoses) {
            fmt::format_to(std::back_inserter(f), "\n   - `{}` ({}): {} *{}:* {}", d.id, words_.severity(d.severity),
                           md(d.message), remedy_, d.remedy);
        }
    }

    BufferedFile out_;
    Wording words_;
    std::string_view remedy_;  // the label before each remedy
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

std::unique_ptr<Renderer> make_markdown_renderer(std::FILE* out, const RenderOptions& opts) {
    return std::make_unique<MarkdownRenderer>(out, opts);
}

}  // namespace ftpsniff
