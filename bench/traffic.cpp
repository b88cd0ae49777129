#include "traffic.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace ftpsniff::bench {

namespace {

constexpr std::size_t mss = 1448;

std::string ipv4(std::uint64_t net, std::uint64_t n) {
    return fmt::format("{}.{}.{}.{}", net, (n >> 16) & 255, (n >> 8) & 255, n & 255);
}
std::string ipv6(std::string_view prefix, std::uint64_t n) {
    return fmt::format("{}{:x}:{:x}", prefix, (n >> 16) & 0xffff, n & 0xffff);
}

// Appends one segment of a session's control connection, sometimes in
// pieces, out of order or twice, as busy networks deliver them.
class ControlWriter {
public:
    ControlWriter(Stream& out, const SessionShape& shape, Rng& rng) : out_(out), shape_(shape), rng_(rng) {}

    void send(const Packet& p) {
        std::vector<Packet> pieces{p};
        if (p.payload.size() >= 4 && rng_.chance(shape_.split)) {
            std::size_t a = 1 + rng_.below(p.payload.size() - 2);
            std::vector<std::size_t> cuts{a};
            if (rng_.chance(0.5)) cuts.push_back(a + 1 + rng_.below(p.payload.size() - a - 1));
            pieces = test::split(p, cuts);
            if (pieces.size() >= 2 && rng_.chance(shape_.reorder)) std::swap(pieces[0], pieces[1]);
        }
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            out_.add(pieces[i]);
            if (rng_.chance(shape_.retransmit)) out_.add(pieces[i]);
        }
    }

private:
    Stream& out_;
    const SessionShape& shape_;
    Rng& rng_;
};

const char* const users[] = {"alice", "bob", "carol", "deploy", "backup", "www-data", "ci", "reports"};
const char* const files[] = {"report.csv", "backup.tar.gz", "index.html", "photo.jpg", "data.bin", "notes.txt"};

}  // namespace

BulkFlow::BulkFlow(Conversation conv, bool from_server, std::uint64_t bytes, std::uint64_t seed)
    : conv_(std::move(conv)), from_server_(from_server), remaining_(bytes), rng_(seed) {
    for (Packet& p : conv_.handshake()) queued_.push_back(std::move(p));
}

std::optional<Packet> BulkFlow::next() {
    if (queued_.empty() && remaining_ > 0) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, mss));
        std::string payload(n, '\0');
        for (std::size_t i = 0; i < n; i += 8) {
            std::uint64_t r = rng_.next();
            for (std::size_t k = 0; k < 8 && i + k < n; ++k) payload[i + k] = static_cast<char>(r >> (8 * k));
        }
        remaining_ -= n;
        queued_.push_back(from_server_ ? conv_.server(payload) : conv_.client(payload));
        if (++unacked_ == 2 || remaining_ == 0) {
            unacked_ = 0;
            queued_.push_back(from_server_ ? conv_.client("") : conv_.server(""));
        }
    }
    if (queued_.empty() && !closed_) {
        closed_ = true;
        for (Packet& p : conv_.close()) queued_.push_back(std::move(p));
    }
    if (queued_.empty()) return std::nullopt;
    Packet p = std::move(queued_.front());
    queued_.pop_front();
    return p;
}

std::optional<Packet> Stream::next() {
    while (!items_.empty()) {
        auto& front = items_.front();
        if (auto* p = std::get_if<Packet>(&front)) {
            Packet out = std::move(*p);
            items_.pop_front();
            return out;
        }
        if (auto got = std::get<std::unique_ptr<BulkFlow>>(front)->next()) return got;
        items_.pop_front();
    }
    return std::nullopt;
}

Stream ftp_session(const SessionShape& shape, Rng& rng, Expected& expected) {
    std::uint64_t n = shape.id;
    std::string client_ip = shape.ipv6 ? ipv6("fd00:c::", n) : ipv4(10, n);
    std::string server_ip = shape.ipv6 ? ipv6("fd00:5::", n % 64) : ipv4(172, 0x100000 | (n % 64));
    auto client_port = static_cast<std::uint16_t>(1024 + n % 60000);
    auto data_port = static_cast<std::uint16_t>(30000 + n % 30000);
    Conversation control(test::endpoint(client_ip, client_port), test::endpoint(server_ip, 21),
                         static_cast<std::uint32_t>(rng.next()), static_cast<std::uint32_t>(rng.next()));
    Stream s;
    ControlWriter w(s, shape, rng);
    for (Packet& p : control.handshake()) s.add(std::move(p));
    ++expected.sessions;
    auto reply = [&](const std::string& text) {
        w.send(control.server(text));
        ++expected.replies;
        if (rng.chance(0.5)) s.add(control.client(""));  // a bare ACK
    };
    auto command = [&](const std::string& text, const std::string& answer) {
        w.send(control.client(text + "\r\n"));
        ++expected.commands;
        reply(answer);
    };

    reply(rng.chance(0.2) ? "220-Welcome to the benchmark archive.\r\n220-Uploads go to /incoming.\r\n220 Ready.\r\n"
                          : "220 (vsFTPd 3.0.3)\r\n");
    std::string user = users[rng.below(std::size(users))];
    command("USER " + user, "331 Please specify the password.\r\n");
    if (rng.chance(0.05)) {
        command("PASS wrong-" + user, "530 Login incorrect.\r\n");
    } else {
        command("PASS secret-" + user, "230 Login successful.\r\n");
        command("SYST", "215 UNIX Type: L8\r\n");
        command("FEAT",
                "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n"
                " UTF8\r\n211 End\r\n");
        command("PWD", fmt::format("257 \"/home/{}\" is the current directory\r\n", user));
        command("TYPE I", "200 Switching to Binary mode.\r\n");
        if (rng.chance(0.1)) command("CWD /missing", "550 Failed to change directory.\r\n");
        std::string file = files[rng.below(std::size(files))];
        command("SIZE " + file, fmt::format("213 {}\r\n", shape.data_bytes));
        if (shape.ipv6) {
            command("EPSV", fmt::format("229 Entering Extended Passive Mode (|||{}|)\r\n", data_port));
        } else {
            auto a = test::endpoint(server_ip, 0).ip.bytes;
            command("PASV", fmt::format("227 Entering Passive Mode ({},{},{},{},{},{}).\r\n", a[0], a[1], a[2], a[3],
                                        data_port >> 8, data_port & 255));
        }
        command("RETR " + file,
                fmt::format("150 Opening BINARY mode data connection for {} ({} bytes).\r\n", file, shape.data_bytes));
        Conversation data(test::endpoint(client_ip, static_cast<std::uint16_t>(client_port + 1)),
                          test::endpoint(server_ip, data_port), static_cast<std::uint32_t>(rng.next()),
                          static_cast<std::uint32_t>(rng.next()));
        s.add(std::make_unique<BulkFlow>(std::move(data), true, shape.data_bytes, rng.next()));
        reply("226 Transfer complete.\r\n");
        if (rng.chance(0.3)) command("MDTM " + file, "213 20261101120000\r\n");
    }
    command("QUIT", "221 Goodbye.\r\n");
    for (Packet& p : control.close()) s.add(std::move(p));
    return s;
}

Stream bulk_stream(std::uint64_t id, std::uint64_t bytes, Rng& rng) {
    static const std::uint16_t ports[] = {443, 22, 445, 8080, 3306};
    Conversation conv(test::endpoint(ipv4(10, 0x200000 | id), static_cast<std::uint16_t>(1024 + id % 60000)),
                      test::endpoint(ipv4(192, 0x00a800 | (id % 256)), ports[id % std::size(ports)]),
                      static_cast<std::uint32_t>(rng.next()), static_cast<std::uint32_t>(rng.next()));
    Stream s;
    s.add(std::make_unique<BulkFlow>(std::move(conv), rng.chance(0.7), bytes, rng.next()));
    return s;
}

}  // namespace ftpsniff::bench
