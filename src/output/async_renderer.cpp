// Renders on a thread of its own. Each event is copied into a record of a
// batch; full batches go to the rendering thread, which calls the inner
// renderer in the same order. Batches and their records are reused, so once
// their strings have grown, copying an event allocates nothing. At most
// kBatches are in flight: the analysis waits when rendering falls behind.
#include "ftpsniff/output.hpp"

#include <array>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace ftpsniff {

namespace {

enum class Kind : std::uint8_t { session_start, command, reply, unparsed, gap, anomaly, tls, data_channel, session_end };

// One event with everything it points to copied.
struct Record {
    Kind kind{};
    FlowInfo flow;
    Timestamp ts;
    Direction dir{};
    std::uint64_t length = 0;
    Anomaly what{};
    TlsMode mode{};
    CloseReason why{};
    bool flag = false;  // truncated, greeting
    std::string text;   // the command's verb, the unparsed line
    std::string arg;
    std::optional<std::string> command;
    std::optional<DataAddressResult> address;
    Reply reply;
    std::optional<double> latency;
    bool abort_pending = false;
    bool uncertain = false;
    UnparsedReason reason{};
    Annotation note;
    DataChannelEvent data;
    SessionState state;

    void assign_command(std::optional<std::string_view> c) {
        if (c) {
            command.emplace().assign(c->data(), c->size());
        } else {
            command.reset();
        }
    }
    std::optional<std::string_view> command_view() const {
        return command ? std::optional<std::string_view>(*command) : std::nullopt;
    }
};

struct Batch {
    std::vector<Record> records;
    std::size_t used = 0;
};

class AsyncRenderer : public Renderer {
public:
    explicit AsyncRenderer(std::unique_ptr<Renderer> inner) : inner_(std::move(inner)) {
        for (Batch& b : batches_) b.records.resize(kRecords);
        worker_ = std::thread([this] { work(); });
    }
    AsyncRenderer(const AsyncRenderer&) = delete;
    AsyncRenderer& operator=(const AsyncRenderer&) = delete;
    ~AsyncRenderer() override {
        try {
            drain();
        } catch (...) {  // NOLINT(bugprone-empty-catch): already reported by summary(), or the run failed anyway
        }
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        worker_.join();
    }

    void session_start(const FlowInfo& flow, Timestamp ts) override { next(Kind::session_start, flow, ts); }

    void command(const FlowInfo& flow, const CommandEvent& ev) override {
        Record& r = next(Kind::command, flow, ev.ts);
        r.text = ev.verb;
        r.arg.assign(ev.arg.data(), ev.arg.size());
        r.flag = ev.truncated;
        r.address = ev.data_address;
    }

    void reply(const FlowInfo& flow, const ReplyEvent& ev, const Annotation& note) override {
        Record& r = next(Kind::reply, flow, ev.ts);
        r.reply = ev.reply;
        r.assign_command(ev.command);
        r.latency = ev.latency_ms;
        r.flag = ev.greeting;
        r.address = ev.data_address;
        r.abort_pending = ev.abort_pending;
        r.uncertain = ev.uncertain;
        r.note = note;
    }

    void unparsed(const FlowInfo& flow, const UnparsedEvent& ev) override {
        Record& r = next(Kind::unparsed, flow, ev.ts);
        r.dir = ev.dir;
        r.text.assign(ev.line.data(), ev.line.size());
        r.reason = ev.reason;
        r.flag = ev.truncated;
        r.assign_command(ev.command);
    }

    void gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) override {
        Record& r = next(Kind::gap, flow, ts);
        r.dir = dir;
        r.length = length;
    }

    void anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) override {
        Record& r = next(Kind::anomaly, flow, ts);
        r.dir = dir;
        r.what = what;
    }

    void tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) override { next(Kind::tls, flow, ts).mode = mode; }

    void data_channel(const FlowInfo& flow, const DataChannelEvent& ev) override {
        next(Kind::data_channel, flow, ev.ts).data = ev;
    }

    void session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) override {
        Record& r = next(Kind::session_end, flow, ts);
        r.why = why;
        r.state = state;
    }

    // Once every record is rendered, the summary is written from this thread.
    void summary(const RunSummary& run) override {
        drain();
        inner_->summary(run);
    }

private:
    static constexpr std::size_t kBatches = 4;
    static constexpr std::size_t kRecords = 256;

    Record& next(Kind kind, const FlowInfo& flow, Timestamp ts) {
        Batch& b = batches_[filled_ % kBatches];
        if (b.used == kRecords) {
            publish();
            return next(kind, flow, ts);
        }
        Record& r = b.records[b.used++];
        r.kind = kind;
        r.flow = flow;
        r.ts = ts;
        return r;
    }

    // Hands the batch being filled to the worker and waits for a free one.
    void publish() {
        std::unique_lock lock(mutex_);
        ++filled_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return failure_ || filled_ < rendered_ + kBatches; });
        rethrow();
        batches_[filled_ % kBatches].used = 0;
    }

    // Waits until everything handed over so far has been rendered.
    void drain() {
        if (batches_[filled_ % kBatches].used > 0) publish();
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return failure_ || rendered_ == filled_; });
        rethrow();
    }

    void rethrow() {
        if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
    }

    void work() {
        for (std::size_t n = 0;; ++n) {
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [&] { return stopping_ || n < filled_; });
                if (n >= filled_) return;
            }
            try {
                const Batch& b = batches_[n % kBatches];
                for (std::size_t i = 0; i < b.used; ++i) render(b.records[i]);
            } catch (...) {
                std::lock_guard lock(mutex_);
                failure_ = std::current_exception();
            }
            {
                std::lock_guard lock(mutex_);
                rendered_ = n + 1;
            }
            changed_.notify_all();
        }
    }

    void render(const Record& r) {
        switch (r.kind) {
        case Kind::session_start: inner_->session_start(r.flow, r.ts); break;
        case Kind::command:
            inner_->command(r.flow, CommandEvent{r.ts, r.text, r.arg, r.flag, r.address});
            break;
        case Kind::reply:
            inner_->reply(r.flow,
                          ReplyEvent{r.ts, r.reply, r.command_view(), r.latency, r.flag, r.address, r.abort_pending,
                                     r.uncertain},
                          r.note);
            break;
        case Kind::unparsed:
            inner_->unparsed(r.flow, UnparsedEvent{r.ts, r.dir, r.text, r.reason, r.flag, r.command_view()});
            break;
        case Kind::gap: inner_->gap(r.flow, r.ts, r.dir, r.length); break;
        case Kind::anomaly: inner_->anomaly(r.flow, r.ts, r.dir, r.what); break;
        case Kind::tls: inner_->tls(r.flow, r.ts, r.mode); break;
        case Kind::data_channel: inner_->data_channel(r.flow, r.data); break;
        case Kind::session_end: inner_->session_end(r.flow, r.ts, r.why, r.state); break;
        }
    }

    std::unique_ptr<Renderer> inner_;
    std::array<Batch, kBatches> batches_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t filled_ = 0;    // batches handed over
    std::size_t rendered_ = 0;  // batches the worker has finished
    bool stopping_ = false;
    std::exception_ptr failure_;
    std::thread worker_;
};

}  // namespace

std::unique_ptr<Renderer> make_async(std::unique_ptr<Renderer> inner) {
    return std::make_unique<AsyncRenderer>(std::move(inner));
}

}  // namespace ftpsniff
