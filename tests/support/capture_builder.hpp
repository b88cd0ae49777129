// Builds captures byte by byte for tests: TCP conversations with exact
// sequence numbers, wrapped in IPv4 or IPv6 and any supported link layer,
// written as classic pcap files. Every adversarial TCP case (splits,
// reordering, overlaps, gaps, wraparound, fragments) is made from these.
#pragma once

#include "ftpsniff/decode.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff::test {

using Bytes = std::vector<std::uint8_t>;

Endpoint endpoint(std::string_view ip, std::uint16_t port);  // "10.0.0.1" or "fd00::1"

struct Packet {
    Endpoint src;
    Endpoint dst;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = tcp_flag::ack;
    std::string payload;
};

// One TCP connection: each call returns the next packet with the right
// sequence and acknowledgement numbers, advancing that side's sequence.
class Conversation {
public:
    Conversation(Endpoint client, Endpoint server, std::uint32_t client_isn = 1000, std::uint32_t server_isn = 5000);

    std::vector<Packet> handshake();
    Packet client(std::string_view data);
    Packet server(std::string_view data);
    std::vector<Packet> close();  // FIN from the client, FIN from the server, last ACK
    // A packet for the client's or server's bytes at an offset from where
    // that side stands now, without advancing (for overlaps and reordering).
    Packet client_at(std::int64_t offset, std::string_view data) const;
    Packet server_at(std::int64_t offset, std::string_view data) const;

    [[nodiscard]] std::uint32_t client_next() const { return cseq_; }
    [[nodiscard]] std::uint32_t server_next() const { return sseq_; }

private:
    Endpoint client_ep_, server_ep_;
    std::uint32_t cseq_, sseq_;
};

// Splits `p` into segments of the payload at the given byte offsets.
std::vector<Packet> split(const Packet& p, const std::vector<std::size_t>& cuts);

// The IP packet (header, TCP header with checksum, payload). IPv4 or IPv6
// follows the endpoints. `ipv6_extensions` puts hop-by-hop and destination
// options headers before TCP.
Bytes ip_packet(const Packet& p, bool ipv6_extensions = false);
// Splits an IP packet into fragments whose payloads are `size` bytes (a
// multiple of 8), IPv4 or IPv6 as the packet is.
std::vector<Bytes> fragment(const Bytes& ip, std::size_t size);

// Wraps an IP packet in a link layer: 1 Ethernet, 0 NULL, 108 LOOP,
// 113 LINUX_SLL, 276 LINUX_SLL2, 101 RAW, 228 IPV4, 229 IPV6 (LINKTYPE_
// values, as written in the file). `vlans` adds 802.1Q tags on Ethernet (two
// make QinQ).
Bytes frame(int linktype, const Bytes& ip, int vlans = 0);

class PcapWriter {
public:
    explicit PcapWriter(int linktype, std::uint32_t snaplen = 262144) : linktype_(linktype), snaplen_(snaplen) {}

    // Adds a frame one millisecond after the previous one. `caplen` below
    // the frame's size keeps only that many bytes, as a snap length would.
    void add(const Bytes& frame, std::size_t caplen = SIZE_MAX);
    // Convenience: each packet as IP in this writer's link type.
    void add(const std::vector<Packet>& packets);
    void add(const Packet& packet) { add(std::vector<Packet>{packet}); }
    // Moves the clock on, so the next frame comes `usec` later than it would.
    void pause(std::uint64_t usec) { usec_ += usec; }

    [[nodiscard]] Bytes bytes() const;
    void write(const std::string& path) const;

private:
    int linktype_;
    std::uint32_t snaplen_;
    Bytes records_;
    std::uint64_t usec_ = 1'700'000'000'000'000;
};

}  // namespace ftpsniff::test
