#include "ftpsniff/output.hpp"

namespace ftpsniff {

namespace {

// Hands every event to two renderers: a format on stdout and --report.
class TeeRenderer : public Renderer {
public:
    TeeRenderer(std::unique_ptr<Renderer> a, std::unique_ptr<Renderer> b) : a_(std::move(a)), b_(std::move(b)) {}
    void session_start(const FlowInfo& f, Timestamp ts) override { a_->session_start(f, ts), b_->session_start(f, ts); }
    void command(const FlowInfo& f, const CommandEvent& ev) override { a_->command(f, ev), b_->command(f, ev); }
    void reply(const FlowInfo& f, const ReplyEvent& ev, const Annotation& n) override {
        a_->reply(f, ev, n), b_->reply(f, ev, n);
    }
    void unparsed(const FlowInfo& f, const UnparsedEvent& ev) override { a_->unparsed(f, ev), b_->unparsed(f, ev); }
    void gap(const FlowInfo& f, Timestamp ts, Direction d, std::uint64_t n) override {
        a_->gap(f, ts, d, n), b_->gap(f, ts, d, n);
    }
    void anomaly(const FlowInfo& f, Timestamp ts, Direction d, Anomaly w) override {
        a_->anomaly(f, ts, d, w), b_->anomaly(f, ts, d, w);
    }
    void tls(const FlowInfo& f, Timestamp ts, TlsMode m) override { a_->tls(f, ts, m), b_->tls(f, ts, m); }
    void data_channel(const FlowInfo& f, const DataChannelEvent& ev) override {
        a_->data_channel(f, ev), b_->data_channel(f, ev);
    }
    void session_end(const FlowInfo& f, Timestamp ts, CloseReason w, const SessionState& s) override {
        a_->session_end(f, ts, w, s), b_->session_end(f, ts, w, s);
    }
    void summary(const RunSummary& run) override { a_->summary(run), b_->summary(run); }

private:
    std::unique_ptr<Renderer> a_, b_;
};

}  // namespace

std::unique_ptr<Renderer> make_tee(std::unique_ptr<Renderer> a, std::unique_ptr<Renderer> b) {
    return std::make_unique<TeeRenderer>(std::move(a), std::move(b));
}

}  // namespace ftpsniff
