// Hands events to a thread of their own: annotating and writing are half
// the work on a busy capture, and the packet loop need not wait for them.
#pragma once

#include "ftpsniff/events.hpp"

#include <memory>

namespace ftpsniff {

class AsyncEvents : public EventSink {
public:
    // Returns once every event handed over so far has reached the inner
    // sink, rethrowing what the inner sink threw.
    virtual void drain() = 0;
};

// Calls `inner` on a thread of its own, in the same order, with copies of
// the events. Events are handed over in batches, so not for live output
// that must appear as it happens.
std::unique_ptr<AsyncEvents> make_async(EventSink& inner);

}  // namespace ftpsniff
