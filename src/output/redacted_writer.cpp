#include "ftpsniff/redacted_writer.hpp"

#include <algorithm>

namespace ftpsniff {

namespace {

// A closed connection's masks are kept this long (capture time) for its
// late packets, as long as the reassembler remembers a closed connection.
constexpr std::int64_t kKeepClosedSec = 60;

std::uint32_t load32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
std::uint16_t load16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
void store32(std::uint8_t* p, std::uint32_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}
void store16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}

bool inside(std::span<const std::uint8_t> frame, std::span<const std::uint8_t> part) {
    return !part.empty() && part.data() >= frame.data() && part.data() + part.size() <= frame.data() + frame.size();
}

std::uint16_t ipv4_header_checksum(std::span<const std::uint8_t> header) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < header.size(); i += 2) {
        if (i != 10) sum += load16(header.data() + i);
    }
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

// The SACK blocks' edges (RFC 2018) in TCP options, mapped as `map` says.
template <class Map>
void map_sack(std::span<std::uint8_t> options, Map&& map) {
    std::size_t i = 0;
    while (i < options.size()) {
        std::uint8_t kind = options[i];
        if (kind == 0) return;
        if (kind == 1) {
            ++i;
            continue;
        }
        if (i + 1 >= options.size() || options[i + 1] < 2 || i + options[i + 1] > options.size()) return;
        std::size_t len = options[i + 1];
        if (kind == 5) {
            for (std::size_t at = i + 2; at + 4 <= i + len; at += 4) store32(&options[at], map(load32(&options[at])));
        }
        i += len;
    }
}

}  // namespace

RedactedWriter::RedactedWriter(const std::string& path, int linktype, MemoryBudget& budget, bool masking,
                               Pseudonym pseudonym)
    : dumper_(path, linktype, 262144),
      linktype_(linktype),
      budget_(budget),
      masking_(masking),
      pseudonym_(std::move(pseudonym)),
      unfollowed_{0, std::make_shared<ConnectionMasks>(), {}} {
    unfollowed_.masks->closed = true;
}

RedactedWriter::~RedactedWriter() {
    for (auto& [key, c] : connections_) {
        for (const Packet& p : c.waiting) budget_.refund(p.owned.size());
        budget_.refund(kConnectionCost);
    }
}

bool RedactedWriter::attach(const FlowInfo& flow, std::shared_ptr<ConnectionMasks> masks) {
    Key key{flow.client, flow.server};
    if (auto it = connections_.find(key); it != connections_.end()) {
        // A new connection on the same addresses: the old one's last packets go first.
        release(it->second, false);
        for (const Packet& p : it->second.waiting) budget_.refund(p.owned.size());
        budget_.refund(kConnectionCost);
        connections_.erase(it);
    }
    if (!budget_.charge(kConnectionCost)) {
        // Closed connections are kept only for their late packets: they go
        // first. A look through the table is paid for by the attaches
        // since the last one, so a flood cannot make each attach a scan.
        if (attaches_since_scan_ < connections_.size() / 8) return false;
        attaches_since_scan_ = 0;
        forget_closed([](const Connection&) { return true; });
        if (!budget_.charge(kConnectionCost)) return false;
    }
    ++attaches_since_scan_;
    Connection& c = connections_.emplace(key, Connection{flow.id, std::move(masks), {}}).first->second;
    // Asked once: the output's thread holds the anonymizer's lock while it works.
    if (pseudonym_)
        c.pseudonyms = {{{flow.client.ip, pseudonym_(flow.client.ip)}, {flow.server.ip, pseudonym_(flow.server.ip)}}};
    return true;
}

void RedactedWriter::data(const RawFrame& frame) { dumper_.write(frame.ts, frame.bytes, frame.wirelen); }

void RedactedWriter::control(const RawFrame& frame, const TcpSegment& seg, bool to_server, bool doubtful) {
    if (!masking_) {
        dumper_.write(frame.ts, frame.bytes, frame.wirelen);
        return;
    }
    // Only a segment whose headers lie in this frame can be rewritten; a
    // reassembled IP datagram's last fragment cannot, and is left out.
    if (!inside(frame.bytes, seg.header) || !inside(frame.bytes, seg.ip)) {
        ++withheld_;
        return;
    }
    if (seg.ts.sec - last_sweep_sec_ >= 10) sweep(seg.ts);
    Packet p;
    p.ts = frame.ts;
    p.wirelen = frame.wirelen;
    p.frame = frame.bytes;
    p.ip_at = static_cast<std::size_t>(seg.ip.data() - frame.bytes.data());
    p.tcp_at = static_cast<std::size_t>(seg.header.data() - frame.bytes.data());
    p.tcp_len = seg.header.size();
    p.payload_len = seg.payload.size();
    p.missing = seg.missing;
    p.to_server = to_server;
    p.doubtful = doubtful;

    auto it = connections_.find(to_server ? Key{seg.src, seg.dst} : Key{seg.dst, seg.src});
    if (it == connections_.end()) {
        // No session reads this connection (the flow table or the memory
        // budget refused it, or its session is long gone): only a packet
        // without bytes can go.
        emit(unfollowed_, p, doubtful);
        return;
    }
    Connection& c = it->second;
    if (c.waiting.empty() && decided(c, p) != Decided::not_yet) {
        emit(c, p, doubtful);
    } else {
        wait(c, std::move(p));
    }
    // This packet may have decided the ones before it; a doubt it raised
    // covers what it released.
    release(c, doubtful);
}

// Whether the session has decided every byte of the packet; `never` for
// bytes it will not read (before its stream, or after it ended).
RedactedWriter::Decided RedactedWriter::decided(const Connection& c, const Packet& p) const {
    if (p.payload_len + p.missing == 0) return Decided::yes;
    const StreamMasks& mine = c.masks->of(p.to_server);
    if (!mine.started()) return c.masks->closed ? Decided::never : Decided::not_yet;
    const std::uint8_t* tcp = p.frame.data() + p.tcp_at;
    bool syn = (tcp[13] & tcp_flag::syn) != 0;
    std::int64_t pos = mine.position(load32(tcp + 4) + (syn ? 1 : 0));
    if (pos < 0) return Decided::never;
    auto end = pos + static_cast<std::int64_t>(p.payload_len + p.missing);
    if (end <= static_cast<std::int64_t>(mine.decided_to())) return Decided::yes;
    return c.masks->closed ? Decided::never : Decided::not_yet;
}

void RedactedWriter::wait(Connection& c, Packet p) {
    if (!budget_.charge(p.frame.size())) {
        ++withheld_;
        return;
    }
    p.owned.assign(p.frame.begin(), p.frame.end());
    p.frame = p.owned;
    c.waiting.push_back(std::move(p));
}

void RedactedWriter::release(Connection& c, bool doubtful) {
    std::size_t done = 0;
    for (; done < c.waiting.size() && decided(c, c.waiting[done]) != Decided::not_yet; ++done) {
        const Packet& p = c.waiting[done];
        emit(c, p, p.doubtful || doubtful);
        budget_.refund(p.owned.size());
    }
    c.waiting.erase(c.waiting.begin(), c.waiting.begin() + static_cast<std::ptrdiff_t>(done));
}

void RedactedWriter::emit(const Connection& c, const Packet& p, bool doubtful) {
    if (decided(c, p) != Decided::yes) {
        ++withheld_;
        return;
    }
    if (!doubtful && !pseudonym_ && c.masks->to_server.identity() && c.masks->to_client.identity()) {
        dumper_.write(p.ts, p.frame, p.wirelen);
        return;
    }
    if (!rewrite(c, p, doubtful)) {
        ++withheld_;
        return;
    }
    std::uint32_t uncaptured =
        p.wirelen - std::min<std::uint32_t>(p.wirelen, static_cast<std::uint32_t>(p.frame.size()));
    dumper_.write(p.ts, out_, static_cast<std::uint32_t>(out_.size()) + uncaptured);
}

// Builds the packet as written in out_; false when its bytes cannot be
// placed (before the stream, in its folded part, or past an IP length).
bool RedactedWriter::rewrite(const Connection& c, const Packet& p, bool doubtful) {
    const StreamMasks& mine = c.masks->of(p.to_server);
    const StreamMasks& peer = c.masks->of(!p.to_server);
    const std::uint8_t* tcp_in = p.frame.data() + p.tcp_at;
    const std::uint32_t seq = load32(tcp_in + 4);
    const bool syn = (tcp_in[13] & tcp_flag::syn) != 0;
    const std::uint64_t length = p.payload_len + p.missing;

    std::uint32_t new_seq = seq;
    std::int64_t grown = 0;  // how much longer the segment becomes
    payload_.clear();
    std::span<const std::uint8_t> payload = p.frame.subspan(p.tcp_at + p.tcp_len, p.payload_len);
    if (length > 0) {
        if (!mine.started()) return false;
        std::int64_t pos = mine.position(seq + (syn ? 1 : 0));
        if (pos < 0) return false;
        auto from = mine.map(static_cast<std::uint64_t>(pos));
        auto to = mine.map(static_cast<std::uint64_t>(pos) + length);
        if (!from || !to) return false;
        mine.rewrite(static_cast<std::uint64_t>(pos), payload, doubtful, payload_);
        grown = static_cast<std::int64_t>(*to - *from) - static_cast<std::int64_t>(length);
        // A SYN's data follows it: a SYN moves with its data (a first one
        // never moves; a later one, past bytes -w shortened, does).
        new_seq = seq + static_cast<std::uint32_t>(*from - static_cast<std::uint64_t>(pos));
    } else if (!syn) {
        auto mapped = mine.map_seq(seq);
        if (!mapped) return false;
        new_seq = *mapped;
    }

    // IPv4 options (record route, source routes) and IPv6 extension headers
    // may hold addresses too: such a packet is not anonymized, but left out.
    const bool more_headers = p.tcp_at - p.ip_at > ((p.frame[p.ip_at] >> 4) == 4 ? 20u : 40u);
    if (pseudonym_ && more_headers) return false;
    out_.assign(p.frame.begin(), p.frame.begin() + static_cast<std::ptrdiff_t>(p.tcp_at + p.tcp_len));
    if (pseudonym_) hide_addresses(c, p);
    std::uint8_t* ip = out_.data() + p.ip_at;
    if (ip[0] >> 4 == 4) {
        std::int64_t total = load16(ip + 2) + grown;
        if (total < 0 || total > 0xffff) return false;
        store16(ip + 2, static_cast<std::uint16_t>(total));
        std::size_t ihl = (ip[0] & 0x0fu) * 4u;
        store16(ip + 10, ipv4_header_checksum({ip, ihl}));
    } else {
        std::int64_t plen = load16(ip + 4) + grown;
        if (plen < 0 || plen > 0xffff) return false;
        store16(ip + 4, static_cast<std::uint16_t>(plen));
    }
    std::uint8_t* tcp = out_.data() + p.tcp_at;
    store32(tcp + 4, new_seq);
    auto peer_seq = [&](std::uint32_t n) { return peer.map_seq(n).value_or(n); };
    if ((tcp[13] & tcp_flag::ack) != 0) store32(tcp + 8, peer_seq(load32(tcp + 8)));
    map_sack({tcp + 20, p.tcp_len - 20}, peer_seq);
    out_.insert(out_.end(), payload_.begin(), payload_.end());
    // The link layer's padding after the datagram stays only where the
    // datagram kept its length.
    std::size_t after = p.tcp_at + p.tcp_len + p.payload_len;
    if (grown == 0 && p.missing == 0)
        out_.insert(out_.end(), p.frame.begin() + static_cast<std::ptrdiff_t>(after), p.frame.end());
    if (p.missing == 0) {
        // Recomputed over the segment as written; a cut segment's checksum
        // could not be checked before either, and stays as it was.
        tcp = out_.data() + p.tcp_at;
        ip = out_.data() + p.ip_at;
        store16(tcp + 16, 0);
        IpAddress src, dst;
        bool v4 = ip[0] >> 4 == 4;
        src.version = dst.version = v4 ? 4 : 6;
        std::size_t at = v4 ? 12 : 8, size = v4 ? 4 : 16;
        std::copy_n(ip + at, size, src.bytes.begin());
        std::copy_n(ip + at + size, size, dst.bytes.begin());
        store16(tcp + 16, tcp_checksum(src, dst, {tcp, p.tcp_len + payload_.size()}));
    }
    return true;
}

// The IP header's addresses become their pseudonyms (checksums follow, as
// for every rewritten packet), and the link layer's own addresses zeros.
void RedactedWriter::hide_addresses(const Connection& c, const Packet& p) {
    std::uint8_t* ip = out_.data() + p.ip_at;
    const bool v4 = ip[0] >> 4 == 4;
    const std::size_t at = v4 ? 12 : 8, size = v4 ? 4 : 16;
    for (std::uint8_t* field : {ip + at, ip + at + size}) {
        IpAddress real;
        real.version = v4 ? 4 : 6;
        std::copy_n(field, size, real.bytes.begin());
        auto known =
            std::find_if(c.pseudonyms.begin(), c.pseudonyms.end(), [&](const auto& e) { return e.first == real; });
        IpAddress fake = known != c.pseudonyms.end() ? known->second : pseudonym_(real);
        std::copy_n(fake.bytes.begin(), size, field);
    }
    // Ethernet's two MAC addresses; Linux cooked capture's link-layer
    // address (v1 at byte 6, v2 at byte 12, 8 bytes).
    constexpr int kEthernet = 1, kLinuxSll = 113, kLinuxSll2 = 276;
    auto clear = [&](std::size_t from, std::size_t count) {
        if (from + count <= p.ip_at) std::fill_n(out_.begin() + static_cast<std::ptrdiff_t>(from), count, 0);
    };
    if (linktype_ == kEthernet) clear(0, 12);
    if (linktype_ == kLinuxSll) clear(6, 8);
    if (linktype_ == kLinuxSll2) clear(12, 8);
}

void RedactedWriter::sweep(Timestamp now) {
    last_sweep_sec_ = now.sec;
    forget_closed([&](const Connection& c) { return now.sec - c.masks->closed_at.sec > kKeepClosedSec; });
}

template <class Gone>
void RedactedWriter::forget_closed(Gone&& gone) {
    for (auto it = connections_.begin(); it != connections_.end();) {
        const Connection& c = it->second;
        if (c.masks->closed && c.waiting.empty() && gone(c)) {
            budget_.refund(kConnectionCost);
            connections_.erase(it++);
        } else {
            ++it;
        }
    }
}

std::uint64_t RedactedWriter::finish() {
    // In the order the connections began, so the file does not depend on the table's layout.
    std::vector<Connection*> order;
    for (auto& [key, c] : connections_) {
        if (!c.waiting.empty()) order.push_back(&c);
    }
    std::sort(order.begin(), order.end(), [](const Connection* a, const Connection* b) { return a->id < b->id; });
    for (Connection* c : order) release(*c, false);
    return withheld_;
}

}  // namespace ftpsniff
