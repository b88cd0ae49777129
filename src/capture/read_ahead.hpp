// Reads a capture file ahead on a thread of its own. libpcap's reading is
// a third of the work on small packets; on a second core it overlaps the
// analysis, and the packet loop finds each frame already in memory.
//
// Frames land in a fixed ring of chunks (4 x 1 MiB, so memory does not
// grow with the file); a chunk goes back to the reader when the loop asks
// for a frame of the next one, which keeps RawFrame's promise that a frame
// stays valid until the next read. Nothing here allocates per frame.
//
// A classic pcap file is read with large pread()s straight into the chunks
// and its records indexed in place: libpcap's two freads per packet, and
// the packet copied from the kernel to stdio to libpcap to here, were most
// of the reading. Anything unusual (a record libpcap would
// cut or reject, a file cut short, a read error) is handed to libpcap at that
// record, so frames and error texts stay libpcap's own. Other formats and
// pipes are read with libpcap throughout.
#pragma once

#include "ftpsniff/capture.hpp"
#include "ftpsniff/handoff_ring.hpp"
#include "pcap_records.hpp"

#include <pcap/pcap.h>

#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ftpsniff {

class ReadAhead {
public:
    // Starts reading `handle`, which the caller keeps open until this is destroyed.
    explicit ReadAhead(pcap_t* handle);
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;
    ~ReadAhead();

    // The next frame, or false at the end of the file (or where it is cut).
    bool next(RawFrame& out) {
        if (frame_ < in_use_count_) {  // most frames: one more of the chunk in use
            fill(out, *in_use_, frame_++);
            return true;
        }
        return next_chunk(out);
    }
    // Why reading stopped early, once next() has returned false.
    [[nodiscard]] const std::optional<std::string>& cut() const { return cut_; }

private:
    struct Frame {
        Timestamp ts;
        std::uint32_t caplen;
        std::uint32_t wirelen;
        std::size_t offset;
    };
    struct Chunk {
        std::vector<std::uint8_t> bytes;
        std::size_t used = 0;
        std::vector<Frame> frames;
        std::size_t count = 0;
        bool last = false;  // the file ends after this chunk
        std::optional<std::string> error;
    };
    static constexpr std::size_t kChunks = 4;
    static constexpr std::size_t kChunkBytes = 1 << 20;
    static constexpr std::size_t kChunkFrames = 16384;

    void read_file();
    // Indexes records in place, and hands what libpcap must read to read_packets.
    void read_records();
    // Copies frames from pcap_next_ex from chunk number `chunk` on.
    void read_packets(std::size_t chunk);
    // Moves on to the next chunk (waiting for the reader) and takes its first frame.
    bool next_chunk(RawFrame& out);
    void fill(RawFrame& out, const Chunk& c, std::size_t i) const {
        const Frame& f = c.frames[i];
        out.ts = f.ts;
        out.linktype = linktype_;
        out.caplen = f.caplen;
        out.wirelen = f.wirelen;
        out.bytes = std::span<const std::uint8_t>(c.bytes.data() + f.offset, f.caplen);
    }
    pcap_t* handle_;
    int linktype_;
    std::optional<PcapRecordFormat> format_;  // set when records are read in place
    std::uint32_t max_caplen_;                // larger records are left to libpcap
    HandoffRing<Chunk, kChunks> chunks_;
    // The consumer's own position.
    std::size_t current_ = 0;  // chunks taken, the one in use included
    std::size_t frame_ = 0;    // next frame in that chunk
    const Chunk* in_use_ = nullptr;
    std::size_t in_use_count_ = 0;  // its frames
    bool ended_ = false;
    std::optional<std::string> cut_;
    std::thread reader_;
};

}  // namespace ftpsniff
