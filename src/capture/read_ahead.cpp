#include "read_ahead.hpp"

#include <cstring>

namespace ftpsniff {

ReadAhead::ReadAhead(pcap_t* handle) : handle_(handle), linktype_(pcap_datalink(handle)) {
    for (Chunk& c : chunks_) {
        c.bytes.resize(kChunkBytes);
        c.frames.resize(kChunkFrames);
    }
    reader_ = std::thread([this] { read_file(); });
}

ReadAhead::~ReadAhead() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    reader_.join();
}

bool ReadAhead::wait_for_room(std::size_t chunk) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stopping_ || chunk < released_ + kChunks; });
    return !stopping_;
}

void ReadAhead::read_file() {
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    bool held = false;  // the frame last read did not fit in the chunk before; libpcap keeps it until the next read
    for (std::size_t chunk = 0;; ++chunk) {
        if (!wait_for_room(chunk)) return;
        Chunk& c = chunks_[chunk % kChunks];
        c.used = 0;
        c.count = 0;
        int rc = 1;
        for (;;) {
            if (!held && (rc = pcap_next_ex(handle_, &hdr, &data)) != 1) break;
            held = c.count == kChunkFrames || (c.count > 0 && c.used + hdr->caplen > c.bytes.size());
            if (held) break;
            // A frame larger than a chunk gets a chunk to itself, grown for it.
            if (c.used + hdr->caplen > c.bytes.size()) c.bytes.resize(c.used + hdr->caplen);
            std::memcpy(c.bytes.data() + c.used, data, hdr->caplen);
            c.frames[c.count++] = Frame{Timestamp{hdr->ts.tv_sec, static_cast<std::uint32_t>(hdr->ts.tv_usec)},
                                        hdr->caplen, hdr->len, c.used};
            c.used += hdr->caplen;
        }
        c.last = !held;
        c.error = c.last && rc == PCAP_ERROR ? std::optional<std::string>(pcap_geterr(handle_)) : std::nullopt;
        {
            std::lock_guard lock(mutex_);
            filled_ = chunk + 1;
        }
        changed_.notify_all();
        if (c.last) return;
    }
}

bool ReadAhead::next(RawFrame& out) {
    if (ended_) return false;
    while (current_ == 0 || frame_ == chunks_[(current_ - 1) % kChunks].count) {
        if (current_ > 0) {
            const Chunk& done = chunks_[(current_ - 1) % kChunks];
            if (done.last) {
                ended_ = true;
                cut_ = done.error;
                return false;
            }
            std::lock_guard lock(mutex_);
            released_ = current_;
        }
        changed_.notify_all();
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return filled_ > current_; });
        ++current_;
        frame_ = 0;
    }
    const Chunk& c = chunks_[(current_ - 1) % kChunks];
    const Frame& f = c.frames[frame_++];
    out.ts = f.ts;
    out.linktype = linktype_;
    out.caplen = f.caplen;
    out.wirelen = f.wirelen;
    out.bytes = std::span<const std::uint8_t>(c.bytes.data() + f.offset, f.caplen);
    return true;
}

}  // namespace ftpsniff
