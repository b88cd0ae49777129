// Capture stage: reads frames from a pcap or pcapng file (or stdin) through
// libpcap. This is the only module that includes <pcap.h>; frames point into
// libpcap's buffer and are valid until the next call to read().
#pragma once

#include "ftpsniff/timestamp.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace ftpsniff {

struct RawFrame {
    Timestamp ts;
    int linktype = 0;           // DLT_* value as libpcap reports it
    std::uint32_t caplen = 0;   // bytes present in `bytes`
    std::uint32_t wirelen = 0;  // bytes the frame had on the wire
    std::span<const std::uint8_t> bytes;
    // Frames just before this one that a filter left out, so the frame
    // numbers stay the capture's own.
    std::uint64_t skipped = 0;
};

// The capture could not be opened or is not a capture. `what()` is one line.
class CaptureError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct LiveOptions {
    std::string device;  // "any" works; empty: the first usable interface
    int snaplen = 262144;
    // Kernel buffer (-B). libpcap's 2 MiB holds only a few dozen packets in
    // immediate mode, where each slot fits the interface's largest frame (64
    // KiB on loopback): a burst would be dropped.
    int buffer_kib = 32 * 1024;
    bool promiscuous = true;     // -p turns it off
    std::string filter = "tcp";  // BPF expression
};

// Packets the kernel saw and dropped during a live capture (pcap_stats).
struct CaptureStats {
    std::uint64_t received = 0;
    std::uint64_t dropped = 0;     // no room in the buffer
    std::uint64_t if_dropped = 0;  // dropped by the interface or its driver
};

enum class ReadResult : std::uint8_t { frame, idle, end };

class PcapReader {
public:
    // Opens `path`, or standard input for "-". Throws CaptureError.
    static PcapReader open_file(const std::string& path);
    // Opens files of one link type, read as one capture merged by time (a
    // tcpdump -C or -G ring, say); frames are numbered in that order, as
    // mergecap writes them. A BPF `filter`, unless empty, leaves frames out.
    static PcapReader open_files(const std::vector<std::string>& paths, const std::string& filter);
    // Opens an interface in immediate mode, so each packet comes as it is
    // seen. Throws CaptureError saying what to do (permissions, the
    // interfaces there are, the filter's error).
    static PcapReader open_live(const LiveOptions& opts);
    // "name (description)" of each interface libpcap can capture on.
    static std::vector<std::string> list_devices();

    PcapReader(PcapReader&&) noexcept;
    PcapReader& operator=(PcapReader&&) noexcept;
    ~PcapReader();

    // The next frame; `idle` when a live capture had nothing for a moment
    // (so the caller can check for a stop); `end` at the end of a file, where
    // it is cut, or when a live capture fails.
    ReadResult read(RawFrame& out);
    [[nodiscard]] std::optional<CaptureStats> stats() const;  // live captures only
    // Makes a read() that waits for packets return `end`; safe in a signal handler.
    void interrupt();
    [[nodiscard]] const std::string& source() const;  // the file or interface
    // A file's filter, and the frames it has left out so far.
    [[nodiscard]] const std::string& filter() const;
    [[nodiscard]] std::uint64_t filtered_out() const;

    [[nodiscard]] int linktype() const;
    [[nodiscard]] std::string linktype_name() const;
    // Set when reading stopped at a damaged or truncated record.
    [[nodiscard]] const std::optional<std::string>& cut() const;

private:
    struct Impl;
    explicit PcapReader(std::unique_ptr<Impl> impl);
    ReadResult read_live(RawFrame& out);
    std::unique_ptr<Impl> impl_;
};

// Writes frames to a classic pcap file (-w), in the link type they came in.
class PcapDumper {
public:
    // Throws CaptureError when the file cannot be created.
    PcapDumper(const std::string& path, int linktype, std::uint32_t snaplen);
    PcapDumper(const PcapDumper&) = delete;
    PcapDumper& operator=(const PcapDumper&) = delete;
    ~PcapDumper();

    // A frame of `wirelen` bytes on the wire, of which `bytes` were captured.
    void write(Timestamp ts, std::span<const std::uint8_t> bytes, std::uint32_t wirelen);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Name of a DLT value ("EN10MB", "LINUX_SLL", ...), or its number when libpcap has no name.
std::string linktype_name(int linktype);

}  // namespace ftpsniff
