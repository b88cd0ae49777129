#include "read_ahead.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ftpsniff {
namespace {

// libpcap's MAXIMUM_SNAPLEN. It rejects larger records for most link types
// (a few allow more); all are left to it, so every record read in place
// fits in a chunk.
constexpr std::uint32_t kLibpcapMaxCaplen = 262144;

std::optional<PcapRecordFormat> format_of(pcap_t* handle) {
    FILE* file = pcap_file(handle);
    struct stat st {};
    std::array<std::uint8_t, kPcapFileHeaderBytes> header{};
    if (file == nullptr || fstat(fileno(file), &st) != 0 || !S_ISREG(st.st_mode) ||
        pread(fileno(file), header.data(), header.size(), 0) != static_cast<ssize_t>(header.size())) {
        return std::nullopt;
    }
    return in_place_format(header, pcap_datalink(handle));
}

}  // namespace

ReadAhead::ReadAhead(pcap_t* handle)
    : handle_(handle),
      linktype_(pcap_datalink(handle)),
      format_(format_of(handle)),
      max_caplen_(std::min(static_cast<std::uint32_t>(pcap_snapshot(handle)), kLibpcapMaxCaplen)) {
    static_assert(kChunkBytes >= kPcapRecordHeaderBytes + kLibpcapMaxCaplen);
    for (Chunk& c : chunks_.slots()) {
        c.bytes.resize(kChunkBytes);
        c.frames.resize(kChunkFrames);
    }
    reader_ = std::thread([this] { read_file(); });
}

ReadAhead::~ReadAhead() {
    chunks_.stop();
    reader_.join();
}

void ReadAhead::read_file() {
    if (format_) {
        read_records();
    } else {
        read_packets(0);
    }
}

void ReadAhead::read_records() {
    const int fd = fileno(pcap_file(handle_));
    off_t pos = kPcapFileHeaderBytes;  // the first record not yet indexed
    for (std::size_t chunk = 0;; ++chunk) {
        if (!chunks_.wait_for_room(chunk)) return;
        Chunk& c = chunks_.slot(chunk);
        c.count = 0;
        // A record cut by the end of the chunk is read again (from the page
        // cache) at the start of the next one, rather than copied over.
        std::size_t have = 0;
        ssize_t got = 0;
        while (have < c.bytes.size() &&
               (got = pread(fd, c.bytes.data() + have, c.bytes.size() - have, pos + static_cast<off_t>(have))) > 0) {
            have += static_cast<std::size_t>(got);
        }
        std::size_t at = 0;
        bool odd = false;  // libpcap would cut or reject the record at `at`
        while (c.count < kChunkFrames && have - at >= kPcapRecordHeaderBytes) {
            const PcapRecordHeader r = pcap_record_header(
                *format_, std::span<const std::uint8_t, kPcapRecordHeaderBytes>(&c.bytes[at], kPcapRecordHeaderBytes));
            odd = r.caplen > max_caplen_;
            if (odd || have - at - kPcapRecordHeaderBytes < r.caplen) break;
            c.frames[c.count++] = Frame{r.ts, r.caplen, r.wirelen, at + kPcapRecordHeaderBytes};
            at += kPcapRecordHeaderBytes + r.caplen;
        }
        pos += static_cast<off_t>(at);
        const bool at_end = have < c.bytes.size();
        const bool truncated = at_end && at < have && c.count < kChunkFrames;
        // libpcap reads the rest from the odd record on, and says why a file is cut short or unreadable.
        const bool handover = odd || truncated || got < 0;
        c.last = at_end && at == have && !handover;
        c.error.reset();
        if (handover && fseeko(pcap_file(handle_), pos, SEEK_SET) != 0) {
            c.last = true;
            c.error = std::string("error reading dump file: ") + std::strerror(errno);
        }
        chunks_.publish(chunk + 1);
        if (c.last) return;
        if (handover) return read_packets(chunk + 1);
    }
}

void ReadAhead::read_packets(std::size_t chunk) {
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    bool held = false;  // the frame last read did not fit in the chunk before; libpcap keeps it until the next read
    for (;; ++chunk) {
        if (!chunks_.wait_for_room(chunk)) return;
        Chunk& c = chunks_.slot(chunk);
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
            c.frames[c.count++] = Frame{carry_seconds(hdr->ts.tv_sec, hdr->ts.tv_usec), hdr->caplen, hdr->len, c.used};
            c.used += hdr->caplen;
        }
        c.last = !held;
        c.error = c.last && rc == PCAP_ERROR ? std::optional<std::string>(pcap_geterr(handle_)) : std::nullopt;
        chunks_.publish(chunk + 1);
        if (c.last) return;
    }
}

bool ReadAhead::next_chunk(RawFrame& out) {
    if (ended_) return false;
    while (current_ == 0 || frame_ == chunks_.slot(current_ - 1).count) {
        if (current_ > 0) {
            const Chunk& done = chunks_.slot(current_ - 1);
            if (done.last) {
                ended_ = true;
                cut_ = done.error;
                return false;
            }
            chunks_.release(current_);
        }
        // The reader publishes every chunk up to the last, and stops only when this is destroyed.
        chunks_.wait_filled(current_);
        ++current_;
        frame_ = 0;
    }
    in_use_ = &chunks_.slot(current_ - 1);
    in_use_count_ = in_use_->count;
    fill(out, *in_use_, frame_++);
    return true;
}

}  // namespace ftpsniff
