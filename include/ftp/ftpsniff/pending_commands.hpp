// The commands of a session still awaiting their final reply, oldest
// first. A client rarely has more than one or two outstanding, so two
// slots live in the session itself and more spill into a vector. Slots keep
// their strings' memory: a command allocates nothing once a slot has held
// one as long, and taking the oldest swaps its strings out instead of
// copying them.
#pragma once

#include "ftpsniff/timestamp.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

struct PendingCommand {
    std::string verb;
    std::string arg;
    Timestamp ts;
};

class PendingCommands {
public:
    [[nodiscard]] std::size_t size() const { return count_; }
    [[nodiscard]] bool empty() const { return count_ == 0; }
    [[nodiscard]] const PendingCommand& front() const { return slot(head_); }

    // Adds a command at the back.
    void push_back(std::string_view verb, std::string_view arg, Timestamp ts);
    // Removes the oldest command; its strings go to `out`, whose old ones
    // the freed slot keeps for reuse.
    void pop_front_into(PendingCommand& out);
    void pop_front();
    // Removes the second-oldest command into `out`, the oldest staying first.
    void pop_second_into(PendingCommand& out);
    // The second-oldest command's verb; "" when there is none.
    [[nodiscard]] std::string_view second_verb() const {
        return count_ >= 2 ? std::string_view(slot(wrap(head_ + 1)).verb) : std::string_view();
    }
    void clear() { head_ = count_ = 0; }
    // Whether a command with this verb is waiting.
    [[nodiscard]] bool has_verb(std::string_view verb) const;

private:
    static constexpr std::size_t kInline = 2;
    // What a freed slot's strings may keep for the next command.
    static constexpr std::size_t kKeptBytes = 256;

    // The slots are a power of two: a position wraps with a mask.
    [[nodiscard]] std::size_t wrap(std::size_t i) const { return i & mask_; }
    PendingCommand& slot(std::size_t i) { return i < kInline ? inline_[i] : more_[i - kInline]; }
    [[nodiscard]] const PendingCommand& slot(std::size_t i) const {
        return i < kInline ? inline_[i] : more_[i - kInline];
    }
    void grow();

    std::array<PendingCommand, kInline> inline_;
    std::vector<PendingCommand> more_;
    std::size_t mask_ = kInline - 1;  // the number of slots, less one
    std::size_t head_ = 0;            // the oldest command's slot
    std::size_t count_ = 0;
};

}  // namespace ftpsniff
