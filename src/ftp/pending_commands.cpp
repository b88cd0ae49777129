#include "ftpsniff/pending_commands.hpp"

#include <utility>

namespace ftpsniff {

void PendingCommands::push_back(std::string_view verb, std::string_view arg, Timestamp ts) {
    if (count_ == mask_ + 1) grow();
    PendingCommand& c = slot(wrap(head_ + count_));
    c.verb.assign(verb);
    c.arg.assign(arg);
    c.ts = ts;
    ++count_;
}

void PendingCommands::pop_front_into(PendingCommand& out) {
    PendingCommand& c = slot(head_);
    std::swap(out.verb, c.verb);
    std::swap(out.arg, c.arg);
    out.ts = c.ts;
    release_head();
}

void PendingCommands::pop_front() { release_head(); }

void PendingCommands::release_head() {
    PendingCommand& c = slot(head_);
    // A long verb's or argument's memory is not kept.
    if (c.verb.capacity() > kKeptBytes) c.verb = std::string();
    if (c.arg.capacity() > kKeptBytes) c.arg = std::string();
    head_ = wrap(head_ + 1);
    --count_;
}

bool PendingCommands::has_verb(std::string_view verb) const {
    for (std::size_t i = 0; i < count_; ++i) {
        if (slot(wrap(head_ + i)).verb == verb) return true;
    }
    return false;
}

// Full: the commands are laid out oldest first from slot 0, and the
// capacity doubles.
void PendingCommands::grow() {
    std::vector<PendingCommand> ordered;
    ordered.reserve(count_);
    for (std::size_t i = 0; i < count_; ++i) ordered.push_back(std::move(slot(wrap(head_ + i))));
    std::size_t slots = 2 * (mask_ + 1);
    more_.resize(slots - kInline);
    mask_ = slots - 1;
    for (std::size_t i = 0; i < count_; ++i) slot(i) = std::move(ordered[i]);
    head_ = 0;
}

}  // namespace ftpsniff
