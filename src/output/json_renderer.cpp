// JSON Lines for machines: one object per event; the schema is in the README.
#include "buffered_file.hpp"
#include "format_time.hpp"
#include "renderers.hpp"

#include "ftpsniff/community_id.hpp"
#include "ftpsniff/copy_bytes.hpp"
#include "ftpsniff/escape.hpp"

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <tuple>
#include <utility>

namespace ftpsniff {

namespace {

// Builds one JSON object on one line. Keys are ours; string values are
// escaped, so untrusted text can never break the line or the object. Each
// field makes room for its longest form, then is written through a cursor.
class JsonLine {
public:
    explicit JsonLine(OutBuffer& b) : b_(b) { b_ += '{'; }

    JsonLine& str(std::string_view key, std::string_view value) {
        char* p = name(b_.room(key.size() + 6 + value.size() * kEscapedMax), key);
        *p++ = '"';
        p = json_escape_to(p, value);
        *p++ = '"';
        b_.move_to(p);
        return *this;
    }
    // One of our own names (an event type, an enum's name): nothing in it
    // needs escaping.
    JsonLine& word(std::string_view key, std::string_view value) {
        char* p = name(b_.room(key.size() + 6 + value.size()), key);
        *p++ = '"';
        p = copy_bytes(p, value.data(), value.size());
        *p++ = '"';
        b_.move_to(p);
        return *this;
    }
    JsonLine& num(std::string_view key, std::uint64_t value) {
        fmt::format_int text(value);
        char* p = name(b_.room(key.size() + 4 + text.size()), key);
        b_.move_to(copy_bytes(p, text.data(), text.size()));
        return *this;
    }
    JsonLine& raw(std::string_view key, std::string_view json) {
        char* p = name(b_.room(key.size() + 4 + json.size()), key);
        b_.move_to(copy_bytes(p, json.data(), json.size()));
        return *this;
    }
    // Addresses are digits and punctuation: nothing to escape.
    JsonLine& endpoint(std::string_view key, const Endpoint& ep) {
        std::string text;
        append_to(text, ep);
        char* p = name(b_.room(key.size() + 6 + text.size()), key);
        *p++ = '"';
        p = copy_bytes(p, text.data(), text.size());
        *p++ = '"';
        b_.move_to(p);
        return *this;
    }
    JsonLine& time(std::string_view key, Timestamp ts, EpochSeconds& epoch) {
        char* p = name(b_.room(key.size() + 4 + EpochSeconds::kMax), key);
        b_.move_to(epoch.write(p, ts));
        return *this;
    }
    JsonLine& millis(std::string_view key, double value) {
        char* p = name(b_.room(key.size() + 4 + kMillisMax), key);
        b_.move_to(millis_to(p, value));
        return *this;
    }
    // "lines", then "text", the message: each line without its code prefix,
    // joined by "\n" (Reply::text()). The prefix is digits and a space or a
    // hyphen, which escape to themselves, so each line's text is the tail of
    // the line as just escaped, copied rather than escaped twice. `tails`
    // is scratch space for where those tails are.
    JsonLine& reply_lines(const Reply& reply, std::vector<std::pair<std::size_t, std::size_t>>& tails) {
        const ReplyLines& lines = reply.lines;
        std::size_t most = 32;
        for (std::string_view line : lines) most += 2 * (3 + line.size() * kEscapedMax);
        char* const base = b_.room(most);  // both fields fit: no pointer moves in between
        char* p = name(base, "lines");
        *p++ = '[';
        tails.clear();
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (i > 0) *p++ = ',';
            *p++ = '"';
            std::size_t prefix = lines[i].size() - reply.text_line(i).size();
            char* from = p;
            p = json_escape_to(p, lines[i]);
            tails.emplace_back(static_cast<std::size_t>(from - base) + prefix, static_cast<std::size_t>(p - base));
            *p++ = '"';
        }
        *p++ = ']';
        p = name(p, "text");
        *p++ = '"';
        for (std::size_t i = 0; i < tails.size(); ++i) {
            if (i > 0) p = std::copy_n("\\n", 2, p);
            p = copy_bytes(p, base + tails[i].first, tails[i].second - tails[i].first);
        }
        *p++ = '"';
        b_.move_to(p);
        return *this;
    }
    // Members already written as JSON ("a":1,"b":2).
    JsonLine& members(std::string_view json) {
        char* p = b_.room(json.size() + 1);
        if (!first_) *p++ = ',';
        first_ = false;
        b_.move_to(copy_bytes(p, json.data(), json.size()));
        return *this;
    }
    JsonLine& boolean(std::string_view key, bool value) { return raw(key, value ? "true" : "false"); }
    // A key whose value the caller writes next, straight into the buffer.
    JsonLine& key(std::string_view key) {
        b_.move_to(name(b_.room(key.size() + 4), key));
        return *this;
    }
    void end() { b_ += "}\n"; }
    // Closes an object that is nested in another.
    void close() { b_ += '}'; }

private:
    // `p` has room for the key and 4 bytes more.
    char* name(char* p, std::string_view key) {
        if (!first_) *p++ = ',';
        first_ = false;
        *p++ = '"';
        p = copy_bytes(p, key.data(), key.size());
        *p++ = '"';
        *p++ = ':';
        return p;
    }

    OutBuffer& b_;
    bool first_ = true;
};

class JsonRenderer : public Renderer {
public:
    JsonRenderer(std::FILE* out, bool flush_each) : out_(out, flush_each) {}

    void write(const Event& e, const SessionStartEvent& /*start*/) {
        head("session_start", e)
            .boolean("handshake_seen", e.flow.handshake_seen)
            .str("community_id", community_id(e.flow.client, e.flow.server))
            .end();
        out_.commit();
    }

    void write(const Event& e, const CommandEvent& ev) {
        JsonLine j = head("command", e);
        j.str("verb", ev.verb).str("arg", ev.arg).boolean("truncated", ev.truncated);
        // Rare (before ABOR), so only where it is true.
        if (ev.telnet_interrupt) j.boolean("telnet_interrupt", true);
        j.end();
        out_.commit();
    }

    void write(const Event& e, const ReplyEvent& ev, const Annotation& note) {
        JsonLine j = head("reply", e);
        j.num("code", static_cast<std::uint64_t>(ev.reply.code)).reply_lines(ev.reply, tails_);
        if (ev.command) {
            j.str("command", *ev.command).str("arg", ev.argument);
        } else {
            j.raw("command", "null").raw("arg", "null");
        }
        path(j, ev.path);
        if (ev.latency_ms) j.millis("latency_ms", *ev.latency_ms);
        j.members(explanation(ev, note));
        diagnoses(j, note);
        j.end();
        out_.commit();
    }

    // The file the command named, as an absolute path; null when unknown.
    static void path(JsonLine& j, std::string_view path) {
        if (path.empty()) {
            j.raw("path", "null");
        } else {
            j.str("path", path);
        }
    }

    void diagnoses(JsonLine& j, const Annotation& note) {
        j.key("diagnoses");
        OutBuffer& b = out_.buffer();
        b += '[';
        for (const Diagnosis& d : note.diagnoses) {
            if (&d != &note.diagnoses.front()) b += ',';
            JsonLine o(b);
            o.str("id", d.id).word("severity", severity_name(d.severity)).str("message", d.message);
            o.str("remedy", d.remedy).close();
        }
        b += ']';
    }

    void write(const Event& e, const UnparsedEvent& ev) {
        JsonLine j = head("unparsed", e);
        j.word("direction", direction_name(ev.dir))
            .str("line", ev.line)
            .word("reason", unparsed_reason_name(ev.reason))
            .boolean("truncated", ev.truncated);
        if (ev.dir == Direction::to_client) {
            if (ev.command) {
                j.str("command", *ev.command);
            } else {
                j.raw("command", "null");
            }
        }
        j.end();
        out_.commit();
    }

    void write(const Event& e, const GapEvent& gap) {
        head("gap", e).word("direction", direction_name(gap.dir)).num("bytes", gap.length).end();
        out_.commit();
    }

    void write(const Event& e, const AnomalyEvent& anomaly) {
        head("anomaly", e)
            .word("direction", direction_name(anomaly.dir))
            .word("name", anomaly_name(anomaly.what))
            .end();
        out_.commit();
    }

    void write(const Event& e, const TlsEvent& tls) {
        head("tls", e).word("mode", tls_mode_name(tls.mode)).end();
        out_.commit();
    }

    void write(const Event& e, const DataChannelEvent& ev, const Annotation& note) {
        JsonLine j = head("data_channel", e);
        j.word("mode", ev.passive ? "passive" : "active");
        if (ev.command.empty()) {
            j.raw("command", "null").raw("arg", "null");
        } else {
            j.str("command", ev.command).str("arg", ev.argument);
        }
        path(j, ev.path);
        j.endpoint("listener", ev.listener);
        if (ev.announced) {
            j.endpoint("announced", *ev.announced);
        } else {
            j.raw("announced", "null");
        }
        if (ev.opener) {
            j.endpoint("opener", *ev.opener);
        } else {
            j.raw("opener", "null");
        }
        double ms = millis_between(ev.first, ev.last);
        j.num("syns", ev.syns);
        j.num("bytes_to_server", ev.bytes_to_server).num("bytes_to_client", ev.bytes_to_client);
        if (ev.expected_to_client) {
            j.num("expected_bytes_to_client", *ev.expected_to_client);
        } else {
            j.raw("expected_bytes_to_client", "null");
        }
        j.millis("duration_ms", ms);
        if (ms > 0) {
            j.raw("throughput_bps",
                  fmt::format("{:.0f}", static_cast<double>(ev.bytes_to_server + ev.bytes_to_client) * 1000 / ms));
        } else {
            j.raw("throughput_bps", "null");
        }
        j.word("end", data_end_name(ev.end));
        if (ev.closed_by == DataSide::none) {
            j.raw("closed_by", "null");
        } else {
            j.word("closed_by", ev.closed_by == DataSide::client ? "client" : "server");
        }
        j.boolean("tls", ev.tls).boolean("after_abor", ev.aborted);
        if (ev.stopped_reading == DataSide::none) {
            j.raw("stopped_reading", "null");
        } else {
            j.word("stopped_reading", ev.stopped_reading == DataSide::client ? "client" : "server");
        }
        diagnoses(j, note);
        j.end();
        out_.commit();
    }

    void write(const Event& e, const SessionEndEvent& end, const Annotation& note) {
        JsonLine j = head("session_end", e);
        j.word("reason", close_reason_name(end.why));
        if (note.software == nullptr) {
            j.raw("server_software", "null");
        } else {
            const ServerSoftware& s = *note.software;
            j.key("server_software");
            JsonLine sw(out_.buffer());
            sw.str("product", s.product).str("version", s.version).word("from", clue_name(s.clue)).close();
        }
        if (end.state.user.empty()) {
            j.raw("user", "null");
        } else {
            j.str("user", end.state.user);
        }
        j.word("login", login_state_name(end.state.login)).word("tls", tls_mode_name(end.state.tls));
        j.str("transfer_type", end.state.type);
        if (end.state.cwd) {
            j.str("cwd", *end.state.cwd);
        } else {
            j.raw("cwd", "null");
        }
        j.num("commands", end.state.commands).num("replies", end.state.replies);
        j.num("bytes_to_server", end.state.bytes_to_server).num("bytes_to_client", end.state.bytes_to_client);
        const SessionVerdict v = note.verdict != nullptr ? *note.verdict : SessionVerdict{};
        j.key("verdict");
        JsonLine o(out_.buffer());
        o.word("status", v.worst ? severity_name(*v.worst) : "healthy");
        if (v.worst) {
            o.str("finding", v.id).num("frame", v.frame);
        } else {
            o.raw("finding", "null").raw("frame", "null");
        }
        o.num("errors", v.errors).num("warnings", v.warnings).close();
        j.key("tls_records");
        JsonLine tls(out_.buffer());
        tls.num("to_server", end.state.tls_records_to_server).num("to_client", end.state.tls_records_to_client);
        tls.num("alerts", end.state.tls_alerts).close();
        diagnoses(j, note);
        j.end();
        out_.commit();
    }

    void on(const Event& ev, const Annotation& note) override { write_event(*this, ev, note); }

    void summary(const RunSummary& run) override {
        auto& b = out_.buffer();
        JsonLine j(b);
        j.word("type", "summary").str("source", run.source).str("linktype", run.linktype);
        j.num("packets", run.packets).num("tcp_packets", run.tcp_packets).num("ftp_packets", run.ftp_packets);
        j.num("data_packets", run.data_packets);
        j.num("sessions", run.sessions).num("commands", run.commands);
        std::string classes = "{";
        for (int c = 1; c <= 5; ++c)
            fmt::format_to(std::back_inserter(classes), "\"{}xx\":{},", c, run.replies_by_class[c]);
        fmt::format_to(std::back_inserter(classes), "\"other\":{}}}",
                       run.replies_by_class[0] + run.replies_by_class[6]);
        j.raw("replies", classes).num("gaps", run.gaps);
        std::string anomalies = "{";
        for (std::size_t i = 0; i < kAnomalyCount; ++i) {
            auto a = Anomaly::from_id(i);
            if (run.anomalies.get(a) == 0) continue;
            if (anomalies.size() > 1) anomalies += ',';
            fmt::format_to(std::back_inserter(anomalies), "\"{}\":{}", anomaly_name(a), run.anomalies.get(a));
        }
        anomalies += '}';
        j.raw("anomalies", anomalies);
        j.key("login_guessing");
        b += '[';
        bool first = true;
        for (const auto& [ip, f] : run.login_failures) {
            if (f.failures < kGuessingThreshold) continue;
            if (!std::exchange(first, false)) b += ',';
            JsonLine o(b);
            o.str("client", to_string(ip)).num("failures", f.failures).num("sessions", f.sessions).close();
        }
        b += ']';
        j.raw("logins", fmt::format("{{\"ok\":{},\"failed\":{},\"refused\":{}}}", run.logins_ok, run.logins_failed,
                                    run.logins_refused));
        j.key("top_errors");
        b += '[';
        first = true;
        for (const ErrorCount& e : top_errors(run)) {
            if (!std::exchange(first, false)) b += ',';
            JsonLine o(b);
            o.num("code", static_cast<std::uint64_t>(e.code));
            if (e.command.empty()) {
                o.raw("command", "null");
            } else {
                o.str("command", e.command);
            }
            o.num("count", e.count).close();
        }
        b += ']';
        std::string diagnoses = "{";
        for (const auto& [id, group] : run.diagnoses) {
            if (diagnoses.size() > 1) diagnoses += ',';
            fmt::format_to(std::back_inserter(diagnoses), "\"{}\":{}", id, group.count);
        }
        diagnoses += '}';
        j.raw("diagnoses", diagnoses);
        j.key("findings");
        b += '[';
        first = true;
        for (const FindingEntry* f : findings_first(run)) {
            if (!std::exchange(first, false)) b += ',';
            const FindingGroup& g = f->second;
            JsonLine o(b);
            o.str("id", f->first).word("severity", severity_name(g.severity)).num("count", g.count);
            o.num("sessions", g.sessions).num("first_frame", g.first_frame).num("last_frame", g.last_frame);
            o.num("explains", g.explains).str("message", g.message).str("remedy", g.remedy).close();
        }
        b += ']';
        if (run.kernel) {
            j.raw("kernel", fmt::format("{{\"received\":{},\"dropped\":{},\"if_dropped\":{}}}", run.kernel->received,
                                        run.kernel->dropped, run.kernel->if_dropped));
        } else {
            j.raw("kernel", "null");
        }
        if (run.cut) {
            j.str("cut", *run.cut);
        } else {
            j.raw("cut", "null");
        }
        if (!run.filter.empty()) {
            j.str("filter", run.filter);
        } else {
            j.raw("filter", "null");
        }
        j.num("filtered_out", run.filtered_out);
        j.end();
        out_.flush();
    }

private:
    // The knowledge base's texts for a reply with the flags around them,
    // escaped once per entry (a code's, or the server message that stands in
    // for it) and combination of flags: they are most of each reply's record.
    const std::string& explanation(const ReplyEvent& ev, const Annotation& note) {
        unsigned flags = (ev.greeting ? 1u : 0u) | (ev.uncertain ? 2u : 0u) | (ev.reply.complete ? 4u : 0u) |
                         (ev.reply.truncated ? 8u : 0u);
        auto [it, fresh] = explanations_.try_emplace(std::tuple{note.entry, note.message, flags});
        if (fresh) {
            scratch_.clear();
            JsonLine j(scratch_);
            j.boolean("greeting", ev.greeting).boolean("uncertain", ev.uncertain);
            j.str("class", note.reply_class).str("name", note.name).str("meaning", note.meaning);
            j.str("remedy", note.remedy).str("source", note.source).boolean("known_code", note.known);
            j.boolean("complete", ev.reply.complete).boolean("truncated", ev.reply.truncated);
            it->second = scratch_.view().substr(1);  // the members alone, without the object's brace
        }
        return it->second;
    }

    JsonLine head(std::string_view type, const Event& e) {
        JsonLine j(out_.buffer());
        j.word("type", type).time("ts", e.ts, epoch_);
        if (e.frame > 0) {
            j.num("frame", e.frame);
        } else {
            j.raw("frame", "null");
        }
        j.members(session_members(e.flow));
        return j;
    }

    // "session":N,"client":"...","server":"...", written once per session
    // while it is among the recent ones: every record of a session repeats it.
    const std::string& session_members(const FlowInfo& flow) {
        Recent& r = recent_[flow.id % recent_.size()];
        if (r.id != flow.id || r.members.empty()) {
            r.id = flow.id;
            scratch_.clear();
            JsonLine j(scratch_);
            j.num("session", flow.id).endpoint("client", flow.client).endpoint("server", flow.server);
            r.members = scratch_.view().substr(1);
        }
        return r.members;
    }

    BasicBufferedFile<OutBuffer> out_;
    OutBuffer scratch_;  // cached members are built here
    EpochSeconds epoch_;
    std::vector<std::pair<std::size_t, std::size_t>> tails_;  // reply_lines()' scratch
    absl::flat_hash_map<std::tuple<const CodeEntry*, const ServerMessage*, unsigned>, std::string> explanations_;
    struct Recent {
        std::uint64_t id = 0;
        std::string members;
    };
    std::array<Recent, 4096> recent_;
};

}  // namespace

std::unique_ptr<Renderer> make_json_renderer(std::FILE* out, bool flush_each) {
    return std::make_unique<JsonRenderer>(out, flush_each);
}

}  // namespace ftpsniff
