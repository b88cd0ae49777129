#include "ftpsniff/output.hpp"

namespace ftpsniff {

namespace {

// Hands every event to two renderers: a format on stdout and --report.
class TeeRenderer : public Renderer {
public:
    TeeRenderer(std::unique_ptr<Renderer> a, std::unique_ptr<Renderer> b) : a_(std::move(a)), b_(std::move(b)) {}
    void on(const Event& ev, const Annotation& note) override {
        a_->on(ev, note);
        b_->on(ev, note);
    }
    void summary(const RunSummary& run) override {
        a_->summary(run);
        b_->summary(run);
    }

private:
    std::unique_ptr<Renderer> a_, b_;
};

}  // namespace

std::unique_ptr<Renderer> make_tee(std::unique_ptr<Renderer> a, std::unique_ptr<Renderer> b) {
    return std::make_unique<TeeRenderer>(std::move(a), std::move(b));
}

}  // namespace ftpsniff
