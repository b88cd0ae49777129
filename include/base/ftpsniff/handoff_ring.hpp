// A fixed ring of N slots that one thread fills and another empties, in
// order: slot number n (counting from 0 for the whole run) lives in
// slots()[n % N]. The filler waits for room, fills the slot and publishes
// it; the emptier waits for it, uses it and releases it. Slots are reused,
// so whatever they hold keeps its memory from round to round. Either side
// may stop the ring, which wakes the other.
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace ftpsniff {

template <class Slot, std::size_t N>
class HandoffRing {
public:
    Slot& slot(std::size_t n) { return slots_[n % N]; }
    std::array<Slot, N>& slots() { return slots_; }

    // The filler: waits until slot `n` may be filled; false once stopped.
    bool wait_for_room(std::size_t n) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopped_ || n < released_ + N; });
        return !stopped_;
    }
    // Slots before `n` are filled.
    void publish(std::size_t n) {
        {
            std::lock_guard lock(mutex_);
            filled_ = n;
        }
        changed_.notify_all();
    }
    // Waits until the emptier has released every slot published; false once stopped.
    bool wait_until_empty() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopped_ || released_ == filled_; });
        return !stopped_;
    }

    // The emptier: waits until slot `n` is filled; false once stopped
    // (stop() does not wait for what was published before it).
    bool wait_filled(std::size_t n) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopped_ || n < filled_; });
        return n < filled_ && !stopped_;
    }
    // Slots before `n` may be filled again.
    void release(std::size_t n) {
        {
            std::lock_guard lock(mutex_);
            released_ = n;
        }
        changed_.notify_all();
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopped_ = true;
        }
        changed_.notify_all();
    }

private:
    std::array<Slot, N> slots_{};
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t filled_ = 0;
    std::size_t released_ = 0;
    bool stopped_ = false;
};

}  // namespace ftpsniff
