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

    void on(const Event& ev, const Annotation& note) override {
        if (keeps(ev, note)) inner_->on(ev, note);
    }
    void summary(const RunSummary& run) override { inner_->summary(run); }

private:
    bool keeps(const Event& ev, const Annotation& note) const {
        const FlowInfo& flow = ev.flow;
        if (const auto* r = std::get_if<ReplyEvent>(&ev.what)) {
            const int code = r->reply.code;
            if (!in_session(flow)) return false;
            bool error = is_finding(code, note);
            if (filter_.errors_only && !error) return false;
            return filter_.codes.empty() || std::any_of(filter_.codes.begin(), filter_.codes.end(),
                                                        [&](const CodePattern& p) { return p.matches(code); });
        }
        if (const auto* d = std::get_if<DataChannelEvent>(&ev.what)) {
            bool failed = d->end == DataEnd::never_opened || d->end == DataEnd::rst;
            return everything(flow) || (filter_.errors_only && failed && filter_.codes.empty() && in_session(flow));
        }
        if (std::holds_alternative<GapEvent>(ev.what) || std::holds_alternative<AnomalyEvent>(ev.what)) {
            return problems(flow);
        }
        return everything(flow);
    }
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
