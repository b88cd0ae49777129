// Writes the benchmark's captures, the same bytes for the same seed:
//   mixed  about 1.5 GB: bulk TCP that is not FTP, with 3,000 FTP sessions
//          and their data connections among it;
//   heavy  about 500 MB: 100,000 FTP sessions, a thousand at a time, with
//          control segments split, reordered and retransmitted, a fifth
//          over IPv6.
// --scale shrinks or grows both. On stdout: a JSON line with what the
// capture holds, which bench/run.py checks ftpsniff's summary against.
#include "traffic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace ftpsniff;
using namespace ftpsniff::bench;

class PcapFile {
public:
    explicit PcapFile(const std::string& path) : f_(std::fopen(path.c_str(), "wb")) {
        if (f_ == nullptr) throw std::runtime_error("cannot create " + path);
        std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
        const std::uint32_t header[] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};  // v2.4, Ethernet
        put(header, sizeof header);
    }
    ~PcapFile() { std::fclose(f_); }

    // Packets are 20 microseconds apart, as on a busy link.
    void add(const Packet& p) {
        test::Bytes frame = test::frame(1, test::ip_packet(p));
        usec_ += 20;
        const std::uint32_t record[] = {
            static_cast<std::uint32_t>(usec_ / 1'000'000), static_cast<std::uint32_t>(usec_ % 1'000'000),
            static_cast<std::uint32_t>(frame.size()), static_cast<std::uint32_t>(frame.size())};
        put(record, sizeof record);
        put(frame.data(), frame.size());
        ++packets_;
    }
    [[nodiscard]] std::uint64_t bytes() const { return bytes_; }
    [[nodiscard]] std::uint64_t packets() const { return packets_; }
    void close() {
        if (std::fflush(f_) != 0) throw std::runtime_error("write failed");
    }

private:
    void put(const void* data, std::size_t n) {
        if (std::fwrite(data, 1, n, f_) != n) throw std::runtime_error("write failed");
        bytes_ += n;
    }

    std::FILE* f_;
    std::uint64_t usec_ = 1'790'000'000'000'000;
    std::uint64_t bytes_ = 0;
    std::uint64_t packets_ = 0;
};

// Emits one packet at a time from a randomly chosen live stream, so the
// streams interleave as they would on a link.
class Mixer {
public:
    Mixer(PcapFile& out, Rng& rng) : out_(out), rng_(rng) {}

    void start(Stream s, bool bulk = false) {
        live_.push_back({std::make_unique<Stream>(std::move(s)), bulk});
        bulk_ += bulk;
    }
    [[nodiscard]] std::size_t live() const { return live_.size(); }
    [[nodiscard]] std::size_t live_bulk() const { return bulk_; }

    bool step() {
        if (live_.empty()) return false;
        std::size_t i = rng_.below(live_.size());
        if (auto p = live_[i].stream->next()) {
            out_.add(*p);
        } else {
            bulk_ -= live_[i].bulk;
            std::swap(live_[i], live_.back());
            live_.pop_back();
        }
        return true;
    }

private:
    PcapFile& out_;
    Rng& rng_;
    struct Live {
        std::unique_ptr<Stream> stream;  // a deque does not move without a chance of throwing
        bool bulk;
    };
    std::vector<Live> live_;
    std::size_t bulk_ = 0;
};

Expected mixed(PcapFile& out, Rng& rng, double scale) {
    const auto target = static_cast<std::uint64_t>(1.5e9 * scale);
    const auto sessions = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(3000 * scale));
    Expected expected;
    Mixer mixer(out, rng);
    std::uint64_t bulk = 0;
    do {
        // Sessions start spread evenly over the capture; 8 bulk flows run at a time.
        while (expected.sessions < sessions && expected.sessions * target <= out.bytes() * sessions) {
            SessionShape shape{.id = expected.sessions + 1, .ipv6 = rng.chance(0.1)};
            shape.data_bytes = std::uint64_t{1} << (10 + rng.below(9));  // 1 KiB to 256 KiB
            mixer.start(ftp_session(shape, rng, expected));
        }
        while (out.bytes() < target && mixer.live_bulk() < 8) {
            // Flows of 2 to 40 MiB; smaller in a capture made smaller.
            double mib = static_cast<double>(2 + rng.below(38)) * std::min(1.0, scale);
            auto bytes = static_cast<std::uint64_t>(mib * (1 << 20));
            mixer.start(bulk_stream(++bulk, std::max<std::uint64_t>(bytes, 1), rng), true);
        }
    } while (mixer.step());
    return expected;
}

Expected heavy(PcapFile& out, Rng& rng, double scale) {
    const auto sessions = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(100000 * scale));
    Expected expected;
    Mixer mixer(out, rng);
    do {
        while (expected.sessions < sessions && mixer.live() < 1000) {
            SessionShape shape{.id = expected.sessions + 1,
                               .ipv6 = rng.chance(0.2),
                               .data_bytes = 200 + rng.below(1000),
                               .split = 0.1,
                               .reorder = 0.3,
                               .retransmit = 0.02};
            mixer.start(ftp_session(shape, rng, expected));
        }
    } while (mixer.step());
    return expected;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() < 2 || (args[0] != "mixed" && args[0] != "heavy")) {
        std::fprintf(stderr, "usage: bench_generate mixed|heavy OUT.pcap [--scale X] [--seed N]\n");
        return 2;
    }
    double scale = 1;
    std::uint64_t seed = 1;
    for (std::size_t i = 2; i + 1 < args.size(); i += 2) {
        if (args[i] == "--scale")
            scale = std::stod(args[i + 1]);
        else if (args[i] == "--seed")
            seed = std::stoull(args[i + 1]);
    }
    try {
        PcapFile out(args[1]);
        Rng rng(seed);
        Expected e = args[0] == "mixed" ? mixed(out, rng, scale) : heavy(out, rng, scale);
        out.close();
        fmt::print(
            "{{\"capture\":\"{}\",\"bytes\":{},\"packets\":{},\"sessions\":{},\"commands\":{},\"replies\":{}}}\n",
            args[0], out.bytes(), out.packets(), e.sessions, e.commands, e.replies);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_generate: %s\n", e.what());
        return 1;
    }
    return 0;
}
