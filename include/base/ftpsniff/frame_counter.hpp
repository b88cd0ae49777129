// Which frame of the capture is being read: 1 for the first, as Wireshark and
// tshark number them, so a record can be found there (frame.number == N).
// Events carry it; 0 means no frame of the capture caused the event (a
// connection that idled out or outlived the capture).
#pragma once

#include <cstdint>

namespace ftpsniff {

class FrameCounter {
public:
    void next() { ++current_; }
    void skip(std::uint64_t frames) { current_ += frames; }  // frames a filter left out
    // Bytes held back and handed on later (--detect's) are read as of the
    // frame they came in; the caller sets the counter back afterwards.
    void set(std::uint64_t frame) { current_ = frame; }
    void end() { current_ = 0; }  // the capture is read: what follows is no frame's doing
    [[nodiscard]] std::uint64_t current() const { return current_; }

private:
    std::uint64_t current_ = 0;
};

}  // namespace ftpsniff
