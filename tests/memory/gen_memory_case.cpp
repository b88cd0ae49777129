// Writes one of the captures that tests/memory/peak_rss.sh runs ftpsniff on
// with a small --max-memory: each is built so that, without a bound, what
// ftpsniff holds would grow with the capture.
//   ooo        2 M one-byte segments ahead of a hole in one connection
//   syns       1 M SYNs to port 21, none answered, each from its own tuple
//   verbs      1 M distinct verbs, each answered 500 (the summary's error count)
//   sessions   100 k short sessions one after another (the Markdown report)
//   fragments  23 MB of TCP payload in 8-byte IPv4 fragments
//   synflood   100 k SYNs never answered, then a real session (USER realuser)
// Usage: gen_memory_case CASE OUT.pcap
#include "capture_builder.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace {

using namespace ftpsniff;
using namespace ftpsniff::test;

// Streams Ethernet frames into a classic pcap file, 20 microseconds apart.
class PcapFile {
public:
    explicit PcapFile(const std::string& path) : f_(std::fopen(path.c_str(), "wb")) {
        if (f_ == nullptr) throw std::runtime_error("cannot create " + path);
        std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
        const std::uint32_t header[] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};
        put(header, sizeof header);
    }
    PcapFile(const PcapFile&) = delete;
    PcapFile& operator=(const PcapFile&) = delete;
    ~PcapFile() { std::fclose(f_); }

    void ip(const Bytes& packet) {
        Bytes f = frame(1, packet);
        usec_ += 20;
        const std::uint32_t record[] = {static_cast<std::uint32_t>(usec_ / 1'000'000),
                                        static_cast<std::uint32_t>(usec_ % 1'000'000),
                                        static_cast<std::uint32_t>(f.size()), static_cast<std::uint32_t>(f.size())};
        put(record, sizeof record);
        put(f.data(), f.size());
    }
    void add(const Packet& p) { ip(ip_packet(p)); }
    void add(const std::vector<Packet>& ps) {
        for (const Packet& p : ps) add(p);
    }
    void close() {
        if (std::fflush(f_) != 0) throw std::runtime_error("write failed");
    }

private:
    void put(const void* data, std::size_t n) {
        if (std::fwrite(data, 1, n, f_) != n) throw std::runtime_error("write failed");
    }

    std::FILE* f_;
    std::uint64_t usec_ = 1'790'000'000'000'000;
};

// A distinct client address and port for connection `i`.
Endpoint client_of(std::uint32_t i) {
    std::string ip = "10." + std::to_string(1 + (i >> 16) % 250) + "." + std::to_string((i >> 8) & 0xff) + "." +
                     std::to_string(i & 0xff);
    return endpoint(ip, static_cast<std::uint16_t>(20000 + i % 40000));
}

const Endpoint kServer = endpoint("192.0.2.21", 21);

void ooo(PcapFile& out) {
    Conversation c(endpoint("10.0.0.1", 40000), kServer);
    out.add(c.handshake());
    out.add(c.server("220 ready\r\n"));
    // Byte 0 never comes; bytes 1.. wait behind it.
    for (std::int64_t i = 1; i <= 2'000'000; ++i) out.add(c.client_at(i, "x"));
}

void syns(PcapFile& out, std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) out.add(Packet{client_of(i), kServer, 1000 + i, 0, tcp_flag::syn, {}});
}

void verbs(PcapFile& out) {
    Conversation c(endpoint("10.0.0.1", 40000), kServer);
    out.add(c.handshake());
    out.add(c.server("220 ready\r\n"));
    constexpr int kBatch = 150;  // below the 256 commands awaiting replies
    for (std::uint32_t done = 0; done < 1'000'000; done += kBatch) {
        std::string commands, replies;
        for (std::uint32_t i = done; i < done + kBatch; ++i) {
            std::string verb = "V";
            for (std::uint32_t n = i, k = 0; k < 5; ++k, n /= 26) verb += static_cast<char>('A' + n % 26);
            commands += verb + "\r\n";
            replies += "500 no\r\n";
        }
        out.add(c.client(commands));
        out.add(c.server(replies));
    }
    out.add(c.close());
}

void sessions(PcapFile& out) {
    for (std::uint32_t i = 0; i < 100'000; ++i) {
        Conversation c(client_of(i), kServer);
        out.add(c.handshake());
        out.add(c.server("220 ready\r\n"));
        out.add(c.client("USER anonymous\r\n"));
        out.add(c.server("331 password please\r\n"));
        out.add(c.client("PASS guest@\r\n"));
        out.add(c.server("230 logged in\r\n"));
        out.add(c.client("PWD\r\n"));
        out.add(c.server("257 \"/\" is the current directory\r\n"));
        out.add(c.client("QUIT\r\n"));
        out.add(c.server("221 bye\r\n"));
        out.add(c.close());
    }
}

void fragments(PcapFile& out) {
    Conversation c(endpoint("10.0.0.1", 40000), kServer);
    out.add(c.handshake());
    out.add(c.server("220 ready\r\n"));
    std::string payload;
    while (payload.size() + 6 <= 65000) payload += "NOOP\r\n";
    for (std::size_t sent = 0; sent < 23'000'000; sent += payload.size()) {
        for (const Bytes& f : fragment(ip_packet(c.client(payload)), 8)) out.ip(f);
    }
}

void synflood(PcapFile& out) {
    syns(out, 100'000);
    Conversation c(endpoint("10.200.0.1", 45000), kServer);
    out.add(c.handshake());
    out.add(c.server("220 ready\r\n"));
    out.add(c.client("USER realuser\r\n"));
    out.add(c.server("331 password please\r\n"));
    out.add(c.client("QUIT\r\n"));
    out.add(c.server("221 bye\r\n"));
    out.add(c.close());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: gen_memory_case ooo|syns|verbs|sessions|fragments|synflood OUT.pcap\n");
        return 2;
    }
    std::string which = argv[1];
    PcapFile out(argv[2]);
    if (which == "ooo") {
        ooo(out);
    } else if (which == "syns") {
        syns(out, 1'000'000);
    } else if (which == "verbs") {
        verbs(out);
    } else if (which == "sessions") {
        sessions(out);
    } else if (which == "fragments") {
        fragments(out);
    } else if (which == "synflood") {
        synflood(out);
    } else {
        std::fprintf(stderr, "gen_memory_case: unknown case %s\n", which.c_str());
        return 2;
    }
    out.close();
    return 0;
}
