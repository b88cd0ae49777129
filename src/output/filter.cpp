// --errors, --session and --code: a renderer in front of another that passes
// on only the events asked for.
#include "ftpsniff/output.hpp"

namespace ftpsniff {

bool CodePattern::matches(int code) const {
    int divisor = digits == 3 ? 1 : digits == 2 ? 10 : 100;
    return code / divisor == value / divisor;
}

std::optional<CodePattern> parse_code_pattern(std::string_view text) {
    if (text.size() != 3 || text[0] < '1' || text[0] > '9') return std::nullopt;
    CodePattern p;
    p.digits = 0;
    bool wild = false;
    for (char c : text) {
        if ((c == 'x' || c == 'X') && p.digits > 0) {
            wild = true;
            p.value *= 10;
        } else if (c >= '0' && c <= '9' && !wild) {
            ++p.digits;
            p.value = p.value * 10 + (c - '0');
        } else {
            return std::nullopt;
        }
    }
    return p;
}

namespace {

class FilteringRenderer : public Renderer {
public:
    FilteringRenderer(std::unique_ptr<Renderer> inner, OutputFilter filter)
        : inner_(std::move(inner)), filter_(std::move(filter)) {}

    void session_start(const FlowInfo& flow, Timestamp ts) override {
        if (everything(flow)) inner_->session_start(flow, ts);
    }
    void command(const FlowInfo& flow, const CommandEvent& ev) override {
        if (everything(flow)) inner_->command(flow, ev);
    }
    void reply(const FlowInfo& flow, const ReplyEvent& ev, const Annotation& note) override {
        if (!in_session(flow)) return;
        bool error = ev.reply.code / 100 == 4 || ev.reply.code / 100 == 5 || !note.diagnoses.empty();
        if (filter_.errors_only && !error) return;
        if (!filter_.codes.empty() && std::none_of(filter_.codes.begin(), filter_.codes.end(),
                                                   [&](const CodePattern& p) { return p.matches(ev.reply.code); })) {
            return;
        }
        inner_->reply(flow, ev, note);
    }
    void unparsed(const FlowInfo& flow, const UnparsedEvent& ev) override {
        if (everything(flow)) inner_->unparsed(flow, ev);
    }
    void gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) override {
        if (problems(flow)) inner_->gap(flow, ts, dir, length);
    }
    void anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) override {
        if (problems(flow)) inner_->anomaly(flow, ts, dir, what);
    }
    void tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) override {
        if (everything(flow)) inner_->tls(flow, ts, mode);
    }
    void data_channel(const FlowInfo& flow, const DataChannelEvent& ev) override {
        bool failed = ev.end == DataEnd::never_opened || ev.end == DataEnd::rst;
        if (everything(flow) || (filter_.errors_only && failed && filter_.codes.empty() && in_session(flow))) {
            inner_->data_channel(flow, ev);
        }
    }
    void session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) override {
        if (everything(flow)) inner_->session_end(flow, ts, why, state);
    }
    void summary(const RunSummary& run) override { inner_->summary(run); }

private:
    bool in_session(const FlowInfo& flow) const { return !filter_.session || *filter_.session == flow.id; }
    // Events that are neither replies nor problems pass only a session filter.
    bool everything(const FlowInfo& flow) const {
        return in_session(flow) && !filter_.errors_only && filter_.codes.empty();
    }
    bool problems(const FlowInfo& flow) const { return in_session(flow) && filter_.codes.empty(); }

    std::unique_ptr<Renderer> inner_;
    OutputFilter filter_;
};

}  // namespace

std::unique_ptr<Renderer> make_filter(std::unique_ptr<Renderer> inner, OutputFilter filter) {
    return std::make_unique<FilteringRenderer>(std::move(inner), std::move(filter));
}

}  // namespace ftpsniff
