// The packet loop's thread builds each event in a batch (or copies it into
// one); full batches go to the worker, which hands them to the inner sink in
// the same order. An event goes into a slot that held an event of its kind,
// whose buffers are grown already: once the batches have warmed up, handing
// over allocates nothing. At most kBatches are in flight: the loop waits when
// the worker falls behind.
#include "ftpsniff/async_events.hpp"

#include "ftpsniff/handoff_ring.hpp"

#include <exception>
#include <thread>
#include <vector>

namespace ftpsniff {

namespace {

constexpr std::size_t kKinds = std::variant_size_v<EventKind>;

// The bytes an event holds besides its fixed parts.
std::size_t held_bytes(const Event& ev) {
    if (const auto* r = std::get_if<ReplyEvent>(&ev.what)) return r->reply.lines.bytes();
    if (const auto* c = std::get_if<CommandEvent>(&ev.what)) return c->arg.size();
    if (const auto* u = std::get_if<UnparsedEvent>(&ev.what)) return u->line.size();
    if (const auto* e = std::get_if<SessionEndEvent>(&ev.what)) {
        return e->state.user.size() + (e->state.cwd ? e->state.cwd->size() : 0) +
               (e->state.rename_from ? e->state.rename_from->size() : 0);
    }
    return 0;
}

class EventBatch {
public:
    // Where the next event of `kind` goes: a slot that last held an event of
    // that kind, its buffers grown already.
    Event& next(std::size_t kind) {
        std::vector<Event>& pool = pools_[kind];
        if (used_[kind] == pool.size()) pool.push_back(empty_kinds().at(kind));
        return pool[used_[kind]];
    }
    // Takes the event filled in next(kind).
    void commit(std::size_t kind) {
        const std::size_t at = used_[kind]++;
        order_.push_back(static_cast<std::uint8_t>(kind));
        const std::size_t held = held_bytes(pools_[kind][at]);
        bytes_ += held;
        if (held > kKeptBytes) oversized_.emplace_back(kind, at);
    }
    void push(const Event& ev) {
        const std::size_t kind = ev.what.index();
        next(kind) = ev;  // the same kind: its strings are assigned into, keeping their memory
        commit(kind);
    }

    [[nodiscard]] bool full() const { return order_.size() >= kMostEvents || bytes_ >= kMostBytes; }
    [[nodiscard]] bool empty() const { return order_.empty(); }

    template <class F>
    void each(F&& f) const {
        std::array<std::size_t, kKinds> next{};
        for (std::uint8_t kind : order_) f(pools_[kind][next[kind]++]);
    }

    // Empties the batch; slots that grew for an unusually large event give
    // their memory back.
    void clear() {
        for (auto [kind, at] : oversized_) {
            std::visit(
                [](auto& held) {
                    std::decay_t<decltype(held)> fresh;
                    std::swap(held, fresh);
                },
                pools_[kind][at].what);
        }
        oversized_.clear();
        order_.clear();
        used_.fill(0);
        bytes_ = 0;
    }

private:
    // Each hand-over may wake the other thread: 256 events a batch made
    // twice the waits of 1024 on the benchmark's heavy capture, and ran
    // about 10% longer.
    static constexpr std::size_t kMostEvents = 1024;
    static constexpr std::size_t kMostBytes = 64 * 1024;
    static constexpr std::size_t kKeptBytes = 4096;

    static EventSlots& empty_kinds() {
        static EventSlots kinds;
        return kinds;
    }

    // Slot i of pool k always holds kind k. A pool grows only in next(), so
    // a slot handed out stays put while events of other kinds arrive.
    std::array<std::vector<Event>, kKinds> pools_;
    std::array<std::size_t, kKinds> used_{};
    std::vector<std::uint8_t> order_;  // the kinds, in the order the events came
    std::size_t bytes_ = 0;
    std::vector<std::pair<std::size_t, std::size_t>> oversized_;  // (kind, slot)
};

class AsyncEventsThread : public AsyncEvents {
public:
    explicit AsyncEventsThread(EventSink& inner) : inner_(inner) {
        worker_ = std::thread([this] { work(); });
    }
    AsyncEventsThread(const AsyncEventsThread&) = delete;
    AsyncEventsThread& operator=(const AsyncEventsThread&) = delete;
    ~AsyncEventsThread() override {
        try {
            drain();
        } catch (...) {  // NOLINT(bugprone-empty-catch): already reported by drain(), or the run failed anyway
        }
        ring_.stop();
        worker_.join();
    }

    // The packet loop's events are built in the batch itself.
    Event* slot(std::size_t kind) override {
        Event* next = &ring_.slot(filled_).next(kind);
        handed_out_ = next;
        return next;
    }

    void on(const Event& ev) override {
        EventBatch& batch = ring_.slot(filled_);
        if (&ev == handed_out_) {
            handed_out_ = nullptr;
            batch.commit(ev.what.index());
        } else {
            batch.push(ev);
        }
        // Not while a slot is out: it belongs to this batch.
        if (batch.full() && handed_out_ == nullptr) publish();
    }

    void drain() override {
        if (!ring_.slot(filled_).empty()) publish();
        if (!ring_.wait_until_empty()) rethrow();
    }

private:
    static constexpr std::size_t kBatches = 4;

    // Hands the batch being filled to the worker and waits for a free one.
    void publish() {
        ring_.publish(++filled_);
        if (!ring_.wait_for_room(filled_)) rethrow();
        ring_.slot(filled_).clear();
    }

    void rethrow() {
        if (failure_) std::rethrow_exception(failure_);
    }

    void work() {
        for (std::size_t n = 0; ring_.wait_filled(n); ++n) {
            try {
                ring_.slot(n).each([this](const Event& ev) { inner_.on(ev); });
            } catch (...) {
                failure_ = std::current_exception();
                ring_.stop();  // publishes failure_ to the loop's thread
                return;
            }
            ring_.release(n + 1);
        }
    }

    EventSink& inner_;
    HandoffRing<EventBatch, kBatches> ring_;
    std::size_t filled_ = 0;             // batches handed over; the loop's own
    const Event* handed_out_ = nullptr;  // a slot of the batch being filled, which its producer is filling
    std::exception_ptr failure_;
    std::thread worker_;
};

}  // namespace

std::unique_ptr<AsyncEvents> make_async(EventSink& inner) { return std::make_unique<AsyncEventsThread>(inner); }

}  // namespace ftpsniff
