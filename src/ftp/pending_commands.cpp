#include "ftpsniff/pending_commands.hpp"

#include <utility>

namespace ftpsniff {

namespace {

// What std::string holds without a buffer of its own.
constexpr std::size_t kShortString = 15;

// A short string is copied (into a buffer `to` already has); a long one's
// buffer changes hands, and `from` keeps the old one of `to`.
void take(std::string& to, std::string& from) {
    if (from.size() <= kShortString) {
        to.assign(from);
    } else {
        to.swap(from);
    }
}

}  // namespace

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
    take(out.verb, c.verb);
    take(out.arg, c.arg);
    out.ts = c.ts;
    pop_front();
}

void PendingCommands::pop_second_into(PendingCommand& out) {
    std::swap(slot(head_), slot(wrap(head_ + 1)));
    pop_front_into(out);
}

void PendingCommands::pop_front() {
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
