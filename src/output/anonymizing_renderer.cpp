// --anonymize on the printed output and in -w's lines: every event with its
// addresses, user and host names replaced, through one shared Anonymizer.
#include "ftpsniff/anonymize.hpp"
#include "ftpsniff/ftp_parse.hpp"
#include "ftpsniff/output.hpp"

#include <algorithm>
#include <array>
#include <mutex>

namespace ftpsniff {

namespace {

class AnonymizingRenderer : public Renderer {
public:
    AnonymizingRenderer(std::unique_ptr<Renderer> inner, std::shared_ptr<SharedAnonymizer> shared)
        : inner_(std::move(inner)), shared_(std::move(shared)), a_(shared_->anonymizer) {}

    void on(const Event& ev, const Annotation& note) override {
        Lock lock(shared_->mutex);
        const Event& shown = visit_event(ev, [&](const Event& e, const auto& kind) -> const Event& {
            using Kind = std::decay_t<decltype(kind)>;
            hide(kind, shown_.fill<Kind>(hide(e.flow), e.ts, e.frame));
            return shown_.of<Kind>();
        });
        const Annotation* shown_note = &note;
        if (!note.diagnoses.empty() || note.software != nullptr) {
            note_ = note;
            for (Diagnosis& d : note_.diagnoses) {
                d.message = a_.text(d.message);
                d.remedy = a_.text(d.remedy);
            }
            // The version is the server's own word: it may be anything.
            if (note.software != nullptr) {
                software_ = *note.software;
                software_.version = a_.text(software_.version);
                note_.software = &software_;
            }
            shown_note = &note_;
        }
        lock.unlock();
        inner_->on(shown, *shown_note);
    }
    void summary(const RunSummary& run) override {
        Lock lock(shared_->mutex);
        RunSummary copy = run;
        copy.source = a_.text(run.source);
        if (run.cut) copy.cut = a_.text(*run.cut);
        // A filter names addresses in more forms than text holds them
        // ("net 10.1", "ether host ...", a number): it is not shown.
        if (!run.filter.empty()) copy.filter = "****";
        // Keyed by pseudonym: past the tables two addresses may share one.
        copy.login_failures.clear();
        for (const auto& [ip, f] : run.login_failures) {
            LoginFailures& to = copy.login_failures[a_.address(ip)];
            to.failures += f.failures;
            to.sessions += f.sessions;
        }
        copy.errors.clear();
        for (const auto& [key, count] : run.errors) {
            copy.errors[{key.first, std::string(a_.verb(key.second))}] += count;
        }
        // The first finding's words may quote addresses and names.
        for (auto& [id, group] : copy.diagnoses) {
            group.message = a_.text(group.message);
            group.remedy = a_.text(group.remedy);
        }
        lock.unlock();
        inner_->summary(copy);
    }

private:
    // The hidden flows of recent sessions: most events repeat one.
    struct Hidden {
        Endpoint client, server;
        FlowInfo flow;
    };

    const FlowInfo& hide(const FlowInfo& flow) {
        Hidden& h = hidden_[flow.id % hidden_.size()];
        if (h.flow.id != flow.id || h.client != flow.client || h.server != flow.server) {
            h.client = flow.client;
            h.server = flow.server;
            h.flow.client = a_.endpoint(flow.client);
            h.flow.server = a_.endpoint(flow.server);
        }
        h.flow.id = flow.id;
        h.flow.handshake_seen = flow.handshake_seen;
        h.flow.first_seen = flow.first_seen;
        return h.flow;
    }
    std::optional<DataAddressResult> hide(std::optional<DataAddressResult> r) {
        if (r && r->address && r->address->ip) r->address->ip = a_.address(*r->address->ip);
        return r;
    }
    void hide_verb(const std::optional<std::string>& in, std::optional<std::string>& out) {
        if (in) {
            out = a_.verb(*in);
        } else {
            out.reset();
        }
    }

    // Each kind's copy, with what could name someone hidden.
    template <class Kind>
    void hide(const Kind& in, Kind& out) {
        static_assert(std::is_same_v<Kind, GapEvent> || std::is_same_v<Kind, AnomalyEvent> ||
                          std::is_same_v<Kind, TlsEvent> || std::is_same_v<Kind, SessionStartEvent>,
                      "an event kind that holds text or addresses needs its own hide()");
        out = in;
    }
    // A command's argument: USER's is a name, any other's text that may hold some.
    void hide_argument(std::string_view verb, std::string_view in, std::string& out) {
        out.clear();
        if (verb == "USER") {
            out = a_.user(in);
        } else {
            a_.append_text(out, in);
        }
    }
    void hide(const CommandEvent& in, CommandEvent& out) {
        out.verb.assign(a_.verb(in.verb));
        hide_argument(in.verb, in.arg, out.arg);
        out.truncated = in.truncated;
        out.telnet_interrupt = in.telnet_interrupt;
    }
    void hide(const ReplyEvent& in, ReplyEvent& out) {
        out.reply.code = in.reply.code;
        out.reply.complete = in.reply.complete;
        out.reply.truncated = in.reply.truncated;
        out.reply.lines.clear(64 * 1024, 64);
        for (std::string_view line : in.reply.lines) {
            text_.clear();
            a_.append_text(text_, line);
            out.reply.lines.push_back(text_);
        }
        hide_verb(in.command, out.command);
        hide_argument(in.command.value_or(""), in.argument, out.argument);
        out.path.clear();
        a_.append_text(out.path, in.path);
        out.latency_ms = in.latency_ms;
        out.greeting = in.greeting;
        out.data_address = hide(in.data_address);
        out.abort_pending = in.abort_pending;
        out.uncertain = in.uncertain;
    }
    void hide(const UnparsedEvent& in, UnparsedEvent& out) {
        out.dir = in.dir;
        out.reason = in.reason;
        out.truncated = in.truncated;
        out.line.clear();
        // A USER line a gap cut still names a user, to be hidden from now on.
        a_.append_line(out.line, in.line, in.dir == Direction::to_server);
        hide_verb(in.command, out.command);
    }
    void hide(const DataChannelEvent& in, DataChannelEvent& out) {
        out = in;
        out.command = a_.verb(in.command);
        hide_argument(in.command, in.argument, out.argument);
        out.path.clear();
        a_.append_text(out.path, in.path);
        out.listener = a_.endpoint(in.listener);
        if (in.opener) out.opener = a_.endpoint(*in.opener);
        if (in.announced) out.announced = a_.endpoint(*in.announced);
    }
    void hide(const SessionEndEvent& in, SessionEndEvent& out) {
        out.why = in.why;
        SessionState& s = out.state;
        s = in.state;
        if (!s.user.empty()) s.user = a_.user(s.user);
        s.type = a_.text(in.state.type);
        if (s.cwd) s.cwd = a_.text(*s.cwd);
        if (s.rename_from) s.rename_from = a_.text(*s.rename_from);
        if (!s.first_unanswered.empty()) s.first_unanswered = a_.verb(in.state.first_unanswered);
    }

    // Held while anonymizing, not while the inner renderer writes: -w asks
    // for pseudonyms from the packet loop meanwhile.
    using Lock = std::unique_lock<std::mutex>;

    std::unique_ptr<Renderer> inner_;
    std::shared_ptr<SharedAnonymizer> shared_;  // -w uses it too, from the packet loop's thread
    Anonymizer& a_;
    std::array<Hidden, 1024> hidden_{};
    EventSlots shown_;  // the hidden copies
    Annotation note_;
    ServerSoftware software_;
    std::string text_;
};

class AnonymizedLines : public LineRewriter {
public:
    explicit AnonymizedLines(std::shared_ptr<SharedAnonymizer> shared) : shared_(std::move(shared)) {}

    std::string_view rewrite(std::string_view line, bool from_client) override {
        std::lock_guard<std::mutex> lock(shared_->mutex);
        out_.clear();
        shared_->anonymizer.append_line(out_, line, from_client);
        return out_;
    }

private:
    std::shared_ptr<SharedAnonymizer> shared_;
    std::string out_;
};

}  // namespace

std::unique_ptr<Renderer> make_anonymizer(std::unique_ptr<Renderer> inner, std::shared_ptr<SharedAnonymizer> shared) {
    return std::make_unique<AnonymizingRenderer>(std::move(inner), std::move(shared));
}

std::unique_ptr<LineRewriter> make_line_anonymizer(std::shared_ptr<SharedAnonymizer> shared) {
    return std::make_unique<AnonymizedLines>(std::move(shared));
}

}  // namespace ftpsniff
