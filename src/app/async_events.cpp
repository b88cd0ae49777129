// Hands events to a thread of its own. The packet loop's thread writes each
// event as bytes into a batch (event_bytes.hpp): a few contiguous cache
// lines, however many fields the event has. Full batches go to the worker,
// which reads them back into events and calls the inner receiver in the same
// order. Batches keep their memory, so writing allocates nothing once they
// have grown. At most kBatches are in flight: the loop waits when the worker
// falls behind.
#include "ftpsniff/session_events.hpp"

#include "event_bytes.hpp"

#include <array>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace ftpsniff {

namespace {

enum class Kind : std::uint8_t { session_start, command, reply, unparsed, gap, anomaly, tls, data_channel, session_end };

// The fixed parts of the events; a data address (when there is one) and
// texts follow them.
struct CommandHead {
    Timestamp ts;
    bool truncated;
};
struct ReplyHead {
    Timestamp ts;
    int code;
    std::uint32_t lines;
    bool complete;
    bool truncated;
    bool greeting;
    bool abort_pending;
    bool uncertain;
    bool missing;
    std::optional<double> latency;
};
struct UnparsedHead {
    Timestamp ts;
    Direction dir;
    UnparsedReason reason;
    bool truncated;
};
struct MarkHead {  // gap, anomaly, tls
    Timestamp ts;
    Direction dir;
    std::uint64_t length;
    Anomaly what;
    TlsMode mode;
};
struct DataHead {
    Timestamp ts;
    bool passive;
    Endpoint listener;
    std::optional<Endpoint> opener;
    Timestamp first;
    Timestamp last;
    std::uint64_t bytes_to_server;
    std::uint64_t bytes_to_client;
    DataEnd end;
};
struct EndHead {
    Timestamp ts;
    CloseReason why;
    LoginState login;
    TlsMode tls;
    std::optional<std::uint64_t> rest_offset;
    std::uint64_t commands;
    std::uint64_t replies;
    std::uint64_t bytes_to_server;
    std::uint64_t bytes_to_client;
};

constexpr std::size_t kEventHead = sizeof(Kind) + sizeof(FlowInfo);
constexpr std::size_t kAddressMost = 1 + sizeof(DataAddressResult);

std::size_t data_most(const DataChannelEvent& ev) { return sizeof(DataHead) + EventBytes::kTextCost + ev.command.size(); }

void put_data(EventBytes::Writer& out, const DataChannelEvent& ev) {
    out.put(DataHead{ev.ts, ev.passive, ev.listener, ev.opener, ev.first, ev.last, ev.bytes_to_server,
                     ev.bytes_to_client, ev.end});
    out.put_text(ev.command);
}

void get_data(EventBytes::Reader& in, DataChannelEvent& ev) {
    auto h = in.get<DataHead>();
    ev.ts = h.ts;
    ev.passive = h.passive;
    ev.listener = h.listener;
    ev.opener = h.opener;
    ev.first = h.first;
    ev.last = h.last;
    ev.bytes_to_server = h.bytes_to_server;
    ev.bytes_to_client = h.bytes_to_client;
    ev.end = h.end;
    ev.command.assign(in.text());
}

std::optional<std::string_view> view(const std::optional<std::string>& s) {
    return s ? std::optional<std::string_view>(*s) : std::nullopt;
}

void assign(std::optional<std::string>& to, std::optional<std::string_view> from) {
    if (from) {
        to.emplace().assign(*from);
    } else {
        to.reset();
    }
}

class AsyncEvents : public SessionEvents {
public:
    explicit AsyncEvents(std::unique_ptr<SessionEvents> inner) : inner_(std::move(inner)) {
        worker_ = std::thread([this] { work(); });
    }
    AsyncEvents(const AsyncEvents&) = delete;
    AsyncEvents& operator=(const AsyncEvents&) = delete;
    ~AsyncEvents() override {
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

    void session_start(const FlowInfo& flow, Timestamp ts) override {
        EventBytes::Writer out = start(Kind::session_start, flow, sizeof(ts));
        out.put(ts);
        end(out);
    }

    void command(const FlowInfo& flow, const CommandEvent& ev) override {
        EventBytes::Writer out = start(Kind::command, flow,
                                       sizeof(CommandHead) + kAddressMost + 2 * EventBytes::kTextCost +
                                           ev.verb.size() + ev.arg.size());
        out.put(CommandHead{ev.ts, ev.truncated});
        out.put_optional(ev.data_address);
        out.put_text(ev.verb);
        out.put_text(ev.arg);
        end(out);
    }

    void reply(const FlowInfo& flow, const ReplyEvent& ev, const DataChannelEvent* missing) override {
        const Reply& r = ev.reply;
        std::size_t most = sizeof(ReplyHead) + kAddressMost + (r.lines.size() + 1) * EventBytes::kTextCost +
                           r.lines.bytes() + (ev.command ? ev.command->size() : 0) +
                           (missing != nullptr ? data_most(*missing) : 0);
        EventBytes::Writer out = start(Kind::reply, flow, most);
        out.put(ReplyHead{ev.ts, r.code, static_cast<std::uint32_t>(r.lines.size()), r.complete, r.truncated,
                          ev.greeting, ev.abort_pending, ev.uncertain, missing != nullptr, ev.latency_ms});
        out.put_optional(ev.data_address);
        for (std::string_view line : r.lines) out.put_text(line);
        out.put_optional_text(ev.command);
        if (missing != nullptr) put_data(out, *missing);
        end(out);
    }

    void unparsed(const FlowInfo& flow, const UnparsedEvent& ev) override {
        EventBytes::Writer out = start(Kind::unparsed, flow,
                                       sizeof(UnparsedHead) + 2 * EventBytes::kTextCost + ev.line.size() +
                                           (ev.command ? ev.command->size() : 0));
        out.put(UnparsedHead{ev.ts, ev.dir, ev.reason, ev.truncated});
        out.put_text(ev.line);
        out.put_optional_text(ev.command);
        end(out);
    }

    void gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) override {
        mark(Kind::gap, flow, MarkHead{ts, dir, length, {}, {}});
    }

    void anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) override {
        mark(Kind::anomaly, flow, MarkHead{ts, dir, 0, what, {}});
    }

    void tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) override {
        mark(Kind::tls, flow, MarkHead{ts, {}, 0, {}, mode});
    }

    void data_channel(const FlowInfo& flow, const DataChannelEvent& ev) override {
        EventBytes::Writer out = start(Kind::data_channel, flow, data_most(ev));
        put_data(out, ev);
        end(out);
    }

    void session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& s) override {
        std::size_t most = sizeof(EndHead) + 4 * EventBytes::kTextCost + s.user.size() + s.type.size() +
                           (s.cwd ? s.cwd->size() : 0) + (s.rename_from ? s.rename_from->size() : 0);
        EventBytes::Writer out = start(Kind::session_end, flow, most);
        out.put(EndHead{ts, why, s.login, s.tls, s.rest_offset, s.commands, s.replies, s.bytes_to_server,
                        s.bytes_to_client});
        out.put_text(s.user);
        out.put_text(s.type);
        out.put_optional_text(view(s.cwd));
        out.put_optional_text(view(s.rename_from));
        end(out);
    }

    // Once every event is delivered, the summary is written from this thread.
    void summary(RunSummary& run) override {
        drain();
        inner_->summary(run);
    }

private:
    static constexpr std::size_t kBatches = 4;
    static constexpr std::size_t kBatchBytes = 64 * 1024;
    static constexpr std::size_t kKeptReplyBytes = 64 * 1024;
    static constexpr std::size_t kKeptReplyLines = 1024;

    // Room for the event's kind and flow and `most` bytes more.
    EventBytes::Writer start(Kind kind, const FlowInfo& flow, std::size_t most) {
        EventBytes::Writer out = batches_[filled_ % kBatches].begin(kEventHead + most);
        out.put(kind);
        out.put(flow);
        return out;
    }

    void end(const EventBytes::Writer& out) {
        EventBytes& batch = batches_[filled_ % kBatches];
        batch.end(out);
        if (batch.size() >= kBatchBytes) publish();
    }

    void mark(Kind kind, const FlowInfo& flow, const MarkHead& head) {
        EventBytes::Writer out = start(kind, flow, sizeof(head));
        out.put(head);
        end(out);
    }

    // Hands the batch being filled to the worker and waits for a free one.
    void publish() {
        std::unique_lock lock(mutex_);
        ++filled_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return failure_ || filled_ < delivered_ + kBatches; });
        rethrow();
        batches_[filled_ % kBatches].clear();
    }

    // Waits until everything handed over so far has been delivered.
    void drain() {
        if (batches_[filled_ % kBatches].size() > 0) publish();
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return failure_ || delivered_ == filled_; });
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
                for (EventBytes::Reader in(batches_[n % kBatches]); !in.done();) deliver(in);
            } catch (...) {
                std::lock_guard lock(mutex_);
                failure_ = std::current_exception();
            }
            {
                std::lock_guard lock(mutex_);
                delivered_ = n + 1;
            }
            changed_.notify_all();
        }
    }

    void deliver(EventBytes::Reader& in) {
        auto kind = in.get<Kind>();
        auto flow = in.get<FlowInfo>();
        switch (kind) {
        case Kind::session_start: inner_->session_start(flow, in.get<Timestamp>()); break;
        case Kind::command: {
            auto h = in.get<CommandHead>();
            auto address = in.optional<DataAddressResult>();
            std::string_view verb = in.text();
            inner_->command(flow, CommandEvent{h.ts, std::string(verb), in.text(), h.truncated, address});
            break;
        }
        case Kind::reply: deliver_reply(in, flow); break;
        case Kind::unparsed: {
            auto h = in.get<UnparsedHead>();
            std::string_view line = in.text();
            inner_->unparsed(flow, UnparsedEvent{h.ts, h.dir, line, h.reason, h.truncated, in.optional_text()});
            break;
        }
        case Kind::gap: {
            auto h = in.get<MarkHead>();
            inner_->gap(flow, h.ts, h.dir, h.length);
            break;
        }
        case Kind::anomaly: {
            auto h = in.get<MarkHead>();
            inner_->anomaly(flow, h.ts, h.dir, h.what);
            break;
        }
        case Kind::tls: {
            auto h = in.get<MarkHead>();
            inner_->tls(flow, h.ts, h.mode);
            break;
        }
        case Kind::data_channel:
            get_data(in, data_);
            inner_->data_channel(flow, data_);
            break;
        case Kind::session_end: deliver_end(in, flow); break;
        }
    }

    void deliver_reply(EventBytes::Reader& in, const FlowInfo& flow) {
        auto h = in.get<ReplyHead>();
        auto address = in.optional<DataAddressResult>();
        reply_.code = h.code;
        reply_.complete = h.complete;
        reply_.truncated = h.truncated;
        reply_.lines.clear(kKeptReplyBytes, kKeptReplyLines);
        for (std::uint32_t i = 0; i < h.lines; ++i) reply_.lines.push_back(in.text());
        std::optional<std::string_view> command = in.optional_text();
        if (h.missing) get_data(in, data_);
        inner_->reply(flow,
                      ReplyEvent{h.ts, reply_, command, h.latency, h.greeting, address, h.abort_pending, h.uncertain},
                      h.missing ? &data_ : nullptr);
    }

    void deliver_end(EventBytes::Reader& in, const FlowInfo& flow) {
        auto h = in.get<EndHead>();
        state_.login = h.login;
        state_.tls = h.tls;
        state_.rest_offset = h.rest_offset;
        state_.commands = h.commands;
        state_.replies = h.replies;
        state_.bytes_to_server = h.bytes_to_server;
        state_.bytes_to_client = h.bytes_to_client;
        state_.user.assign(in.text());
        state_.type.assign(in.text());
        assign(state_.cwd, in.optional_text());
        assign(state_.rename_from, in.optional_text());
        inner_->session_end(flow, h.ts, h.why, state_);
    }

    std::unique_ptr<SessionEvents> inner_;
    std::array<EventBytes, kBatches> batches_;
    // The worker's: events are read back into these, whose buffers are reused.
    Reply reply_;
    DataChannelEvent data_;
    SessionState state_;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t filled_ = 0;     // batches handed over
    std::size_t delivered_ = 0;  // batches the worker has finished
    bool stopping_ = false;
    std::exception_ptr failure_;
    std::thread worker_;
};

}  // namespace

std::unique_ptr<SessionEvents> make_async(std::unique_ptr<SessionEvents> inner) {
    return std::make_unique<AsyncEvents>(std::move(inner));
}

}  // namespace ftpsniff
