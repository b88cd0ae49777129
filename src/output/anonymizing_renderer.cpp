// --anonymize on the printed output: every event with its addresses, user
// and host names replaced, through the Anonymizer -w shares.
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

    void session_start(const FlowInfo& flow, Timestamp ts) override {
        Lock lock(shared_->mutex);
        const FlowInfo& shown = hide(flow);
        lock.unlock();
        inner_->session_start(shown, ts);
    }
    void command(const FlowInfo& flow, const CommandEvent& ev) override {
        Lock lock(shared_->mutex);
        text_.clear();
        if (ev.verb == "USER") text_ = a_.user(ev.arg);
        else a_.append_text(text_, ev.arg);
        CommandEvent copy{ev.ts, std::string(a_.verb(ev.verb)), text_, ev.truncated, hide(ev.data_address)};
        const FlowInfo& shown = hide(flow);
        lock.unlock();
        inner_->command(shown, copy);
    }
    void reply(const FlowInfo& flow, const ReplyEvent& ev, const Annotation& note) override {
        Lock lock(shared_->mutex);
        reply_.code = ev.reply.code;
        reply_.complete = ev.reply.complete;
        reply_.truncated = ev.reply.truncated;
        reply_.lines.clear(64 * 1024, 64);
        for (std::string_view line : ev.reply.lines) {
            text_.clear();
            a_.append_text(text_, line);
            reply_.lines.push_back(text_);
        }
        if (ev.command) command_ = a_.verb(*ev.command);
        ReplyEvent copy{ev.ts,
                        reply_,
                        ev.command ? std::optional<std::string_view>(command_) : std::nullopt,
                        ev.latency_ms,
                        ev.greeting,
                        hide(ev.data_address),
                        ev.abort_pending,
                        ev.uncertain};
        if (note.diagnoses.empty()) {
            const FlowInfo& shown = hide(flow);
            lock.unlock();
            return inner_->reply(shown, copy, note);
        }
        Annotation hidden = note;
        for (Diagnosis& d : hidden.diagnoses) {
            d.message = a_.text(d.message);
            d.remedy = a_.text(d.remedy);
        }
        const FlowInfo& shown = hide(flow);
        lock.unlock();
        inner_->reply(shown, copy, hidden);
    }
    void unparsed(const FlowInfo& flow, const UnparsedEvent& ev) override {
        Lock lock(shared_->mutex);
        text_.clear();
        // A USER line a gap cut still names a user, to be hidden from now on.
        auto user = ev.dir == Direction::to_server ? parse_command(ev.line) : std::nullopt;
        if (user && upper_verb(user->verb) == "USER" && !user->arg.empty()) {
            text_ = std::string(user->verb) + " " + a_.user(user->arg);
        } else {
            a_.append_text(text_, ev.line);
        }
        UnparsedEvent copy = ev;
        copy.line = text_;
        if (ev.command) copy.command = command_ = a_.verb(*ev.command);
        const FlowInfo& shown = hide(flow);
        lock.unlock();
        inner_->unparsed(shown, copy);
    }
    void gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) override {
        Lock lock(shared_->mutex);
        const FlowInfo& shown = hide(flow);
        lock.unlock();
        inner_->gap(shown, ts, dir, length);
    }
    void anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) override {
        Lock lock(shared_->mutex);
        const FlowInfo& shown = hide(flow);
        lock.unlock();
        inner_->anomaly(shown, ts, dir, what);
    }
    void tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) override {
        Lock lock(shared_->mutex);
        const FlowInfo& shown = hide(flow);
        lock.unlock();
        inner_->tls(shown, ts, mode);
    }
    void data_channel(const FlowInfo& flow, const DataChannelEvent& ev) override {
        Lock lock(shared_->mutex);
        DataChannelEvent copy = ev;
        copy.command = a_.verb(ev.command);
        copy.listener = a_.endpoint(ev.listener);
        if (ev.opener) copy.opener = a_.endpoint(*ev.opener);
        const FlowInfo& shown = hide(flow);
        lock.unlock();
        inner_->data_channel(shown, copy);
    }
    void session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) override {
        Lock lock(shared_->mutex);
        SessionState copy = state;
        if (!copy.user.empty()) copy.user = a_.user(copy.user);
        copy.type = a_.text(state.type);
        if (copy.cwd) copy.cwd = a_.text(*copy.cwd);
        if (copy.rename_from) copy.rename_from = a_.text(*copy.rename_from);
        const FlowInfo& shown = hide(flow);
        lock.unlock();
        inner_->session_end(shown, ts, why, copy);
    }
    void summary(const RunSummary& run) override {
        Lock lock(shared_->mutex);
        RunSummary copy = run;
        copy.source = a_.text(run.source);
        if (run.cut) copy.cut = a_.text(*run.cut);
        // Keyed by pseudonym: past the tables two addresses may share one.
        copy.login_failures.clear();
        for (const auto& [ip, f] : run.login_failures) {
            LoginFailures& to = copy.login_failures[a_.address(ip)];
            to.failures += f.failures;
            to.sessions += f.sessions;
            to.last_session = std::max(to.last_session, f.last_session);
        }
        copy.errors.clear();
        for (const auto& [key, count] : run.errors) {
            copy.errors[{key.first, std::string(a_.verb(key.second))}] += count;
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

    // Held while anonymizing, not while the inner renderer writes: -w asks
    // for pseudonyms from the packet loop meanwhile.
    using Lock = std::unique_lock<std::mutex>;

    std::unique_ptr<Renderer> inner_;
    std::shared_ptr<SharedAnonymizer> shared_;  // -w uses it too, from the packet loop's thread
    Anonymizer& a_;
    std::array<Hidden, 1024> hidden_{};
    Reply reply_;
    std::string text_;
    std::string command_;
};

}  // namespace

std::unique_ptr<Renderer> make_anonymizer(std::unique_ptr<Renderer> inner, std::shared_ptr<SharedAnonymizer> shared) {
    return std::make_unique<AnonymizingRenderer>(std::move(inner), std::move(shared));
}

}  // namespace ftpsniff
