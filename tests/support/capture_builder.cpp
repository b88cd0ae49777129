#include "capture_builder.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace ftpsniff::test {

namespace {

void put8(Bytes& b, unsigned v) { b.push_back(static_cast<std::uint8_t>(v)); }
void put16(Bytes& b, unsigned v) {
    put8(b, v >> 8);
    put8(b, v);
}
void put32(Bytes& b, std::uint32_t v) {
    put16(b, v >> 16);
    put16(b, v & 0xffff);
}
void put32le(Bytes& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) put8(b, (v >> (8 * i)) & 0xff);
}
void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }
void set16(Bytes& b, std::size_t at, unsigned v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}

// RFC 1071 one's-complement sum.
std::uint32_t sum16(const std::uint8_t* p, std::size_t n, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i + 1 < n; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
    if (n % 2 == 1) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
    return sum;
}
std::uint16_t fold(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

void put_address(Bytes& b, const IpAddress& ip) {
    b.insert(b.end(), ip.bytes.begin(), ip.bytes.begin() + (ip.version == 4 ? 4 : 16));
}

Bytes tcp_segment(const Packet& p) {
    Bytes t;
    put16(t, p.src.port);
    put16(t, p.dst.port);
    put32(t, p.seq);
    put32(t, p.ack);
    put8(t, 5 << 4);
    put8(t, p.flags);
    put16(t, 65535);
    put16(t, 0);  // checksum, below
    put16(t, 0);
    t.insert(t.end(), p.payload.begin(), p.payload.end());
    Bytes pseudo;
    put_address(pseudo, p.src.ip);
    put_address(pseudo, p.dst.ip);
    if (p.src.ip.version == 4) {
        put16(pseudo, 6);
        put16(pseudo, static_cast<unsigned>(t.size()));
    } else {
        put32(pseudo, static_cast<std::uint32_t>(t.size()));
        put32(pseudo, 6);
    }
    set16(t, 16, fold(sum16(t.data(), t.size(), sum16(pseudo.data(), pseudo.size()))));
    return t;
}

Bytes ipv4_header(const IpAddress& src, const IpAddress& dst, std::size_t payload, std::uint16_t id, std::uint16_t frag,
                  std::uint8_t proto) {
    Bytes h;
    put8(h, 0x45);
    put8(h, 0);
    put16(h, static_cast<unsigned>(20 + payload));
    put16(h, id);
    put16(h, frag);
    put8(h, 64);
    put8(h, proto);
    put16(h, 0);
    put_address(h, src);
    put_address(h, dst);
    set16(h, 10, fold(sum16(h.data(), h.size())));
    return h;
}

Bytes ipv6_header(const IpAddress& src, const IpAddress& dst, std::size_t payload, std::uint8_t next) {
    Bytes h;
    put32(h, 0x60000000);
    put16(h, static_cast<unsigned>(payload));
    put8(h, next);
    put8(h, 64);
    put_address(h, src);
    put_address(h, dst);
    return h;
}

// An options header (hop-by-hop or destination) of 8 bytes: one PadN option.
Bytes options_header(std::uint8_t next) { return Bytes{next, 0, 1, 4, 0, 0, 0, 0}; }

}  // namespace

Endpoint endpoint(std::string_view ip, std::uint16_t port) {
    Endpoint e;
    e.port = port;
    std::string text(ip);
    if (text.find(':') != std::string::npos) {
        e.ip.version = 6;
        if (inet_pton(AF_INET6, text.c_str(), e.ip.bytes.data()) != 1) throw std::invalid_argument(text);
    } else {
        e.ip.version = 4;
        if (inet_pton(AF_INET, text.c_str(), e.ip.bytes.data()) != 1) throw std::invalid_argument(text);
    }
    return e;
}

Conversation::Conversation(Endpoint client, Endpoint server, std::uint32_t client_isn, std::uint32_t server_isn)
    : client_ep_(client), server_ep_(server), cseq_(client_isn), sseq_(server_isn) {}

std::vector<Packet> Conversation::handshake() {
    std::vector<Packet> out;
    out.push_back({client_ep_, server_ep_, cseq_, 0, tcp_flag::syn, {}});
    out.push_back({server_ep_, client_ep_, sseq_, cseq_ + 1, tcp_flag::syn | tcp_flag::ack, {}});
    ++cseq_;
    ++sseq_;
    out.push_back({client_ep_, server_ep_, cseq_, sseq_, tcp_flag::ack, {}});
    return out;
}

Packet Conversation::client(std::string_view data) {
    Packet p = client_at(0, data);
    cseq_ += static_cast<std::uint32_t>(data.size());
    return p;
}

Packet Conversation::server(std::string_view data) {
    Packet p = server_at(0, data);
    sseq_ += static_cast<std::uint32_t>(data.size());
    return p;
}

Packet Conversation::client_at(std::int64_t offset, std::string_view data) const {
    return {client_ep_, server_ep_,    cseq_ + static_cast<std::uint32_t>(offset),
            sseq_,      tcp_flag::ack, std::string(data)};
}

Packet Conversation::server_at(std::int64_t offset, std::string_view data) const {
    return {server_ep_, client_ep_,    sseq_ + static_cast<std::uint32_t>(offset),
            cseq_,      tcp_flag::ack, std::string(data)};
}

std::vector<Packet> Conversation::close() {
    std::vector<Packet> out;
    out.push_back({client_ep_, server_ep_, cseq_, sseq_, tcp_flag::fin | tcp_flag::ack, {}});
    ++cseq_;
    out.push_back({server_ep_, client_ep_, sseq_, cseq_, tcp_flag::fin | tcp_flag::ack, {}});
    ++sseq_;
    out.push_back({client_ep_, server_ep_, cseq_, sseq_, tcp_flag::ack, {}});
    return out;
}

std::vector<Packet> split(const Packet& p, const std::vector<std::size_t>& cuts) {
    std::vector<Packet> out;
    std::size_t from = 0;
    auto piece = [&](std::size_t to) {
        if (to <= from) return;
        Packet s = p;
        s.seq = p.seq + static_cast<std::uint32_t>(from);
        s.payload = p.payload.substr(from, to - from);
        out.push_back(s);
        from = to;
    };
    for (std::size_t c : cuts) piece(std::min(c, p.payload.size()));
    piece(p.payload.size());
    return out;
}

Bytes ip_packet(const Packet& p, bool ipv6_extensions) {
    Bytes tcp = tcp_segment(p);
    if (p.src.ip.version == 4) {
        Bytes out = ipv4_header(p.src.ip, p.dst.ip, tcp.size(), 0x4242, 0x4000, 6);
        append(out, tcp);
        return out;
    }
    Bytes body;
    if (ipv6_extensions) {
        append(body, options_header(60));
        append(body, options_header(6));
    }
    append(body, tcp);
    Bytes out = ipv6_header(p.src.ip, p.dst.ip, body.size(), ipv6_extensions ? 0 : 6);
    append(out, body);
    return out;
}

std::vector<Bytes> fragment(const Bytes& ip, std::size_t size) {
    std::vector<Bytes> out;
    bool v4 = ip[0] >> 4 == 4;
    std::size_t header = v4 ? 20 : 40;
    Bytes payload(ip.begin() + static_cast<std::ptrdiff_t>(header), ip.end());
    IpAddress src, dst;
    src.version = dst.version = v4 ? 4 : 6;
    std::size_t alen = v4 ? 4 : 16, at = v4 ? 12 : 8;
    std::copy_n(ip.begin() + static_cast<std::ptrdiff_t>(at), alen, src.bytes.begin());
    std::copy_n(ip.begin() + static_cast<std::ptrdiff_t>(at + alen), alen, dst.bytes.begin());
    for (std::size_t off = 0; off < payload.size(); off += size) {
        std::size_t n = std::min(size, payload.size() - off);
        bool more = off + n < payload.size();
        Bytes chunk(payload.begin() + static_cast<std::ptrdiff_t>(off),
                    payload.begin() + static_cast<std::ptrdiff_t>(off + n));
        Bytes f;
        if (v4) {
            f = ipv4_header(src, dst, n, 0x7777, static_cast<std::uint16_t>((more ? 0x2000 : 0) | (off / 8)), ip[9]);
        } else {
            f = ipv6_header(src, dst, n + 8, 44);
            put8(f, ip[6]);  // the fragmentable part's first header
            put8(f, 0);
            put16(f, static_cast<unsigned>(off | (more ? 1 : 0)));
            put32(f, 0x01020304);
        }
        append(f, chunk);
        out.push_back(f);
    }
    return out;
}

Bytes frame(int linktype, const Bytes& ip, int vlans) {
    bool v4 = ip[0] >> 4 == 4;
    unsigned ethertype = v4 ? 0x0800 : 0x86dd;
    Bytes f;
    switch (linktype) {
    case 1:
        f = Bytes{0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1};
        for (int i = 0; i < vlans; ++i) {
            put16(f, i == 0 && vlans > 1 ? 0x88a8 : 0x8100);
            put16(f, 100 + static_cast<unsigned>(i));
        }
        put16(f, ethertype);
        break;
    case 0: put32le(f, v4 ? 2 : 24); break;
    case 108: put32(f, v4 ? 2 : 24); break;
    case 113:
        put16(f, 0);  // packet for us
        put16(f, 1);  // ARPHRD_ETHER
        put16(f, 6);
        f.insert(f.end(), {0x02, 0, 0, 0, 0, 1, 0, 0});
        put16(f, ethertype);
        break;
    case 276:
        put16(f, ethertype);
        put16(f, 0);
        put32(f, 2);  // interface index
        put16(f, 1);
        put8(f, 0);
        put8(f, 6);
        f.insert(f.end(), {0x02, 0, 0, 0, 0, 1, 0, 0});
        break;
    case 101:
    case 228:
    case 229: break;
    default: throw std::invalid_argument("link type " + std::to_string(linktype));
    }
    append(f, ip);
    return f;
}

void PcapWriter::add(const Bytes& frame, std::size_t caplen) {
    std::size_t incl = std::min({frame.size(), caplen, static_cast<std::size_t>(snaplen_)});
    usec_ += 1000;
    put32le(records_, static_cast<std::uint32_t>(usec_ / 1'000'000));
    put32le(records_, static_cast<std::uint32_t>(usec_ % 1'000'000));
    put32le(records_, static_cast<std::uint32_t>(incl));
    put32le(records_, static_cast<std::uint32_t>(frame.size()));
    records_.insert(records_.end(), frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(incl));
}

void PcapWriter::add(const std::vector<Packet>& packets) {
    for (const Packet& p : packets) add(frame(linktype_, ip_packet(p)));
}

Bytes PcapWriter::bytes() const {
    Bytes out;
    put32le(out, 0xa1b2c3d4);
    put16(out, 0x0200);  // version 2.4, little-endian
    put16(out, 0x0400);
    put32le(out, 0);
    put32le(out, 0);
    put32le(out, snaplen_);
    put32le(out, static_cast<std::uint32_t>(linktype_));
    append(out, records_);
    return out;
}

void PcapWriter::write(const std::string& path) const {
    Bytes b = bytes();
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    if (!f) throw std::runtime_error("cannot write " + path);
}

}  // namespace ftpsniff::test
