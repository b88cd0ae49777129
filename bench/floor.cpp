// The floor: reads every packet of a capture through libpcap, as ftpsniff
// does, and touches every captured byte. Nothing reading the same file with
// libpcap can be faster, so bench/run.py states times as multiples of this.
#include <pcap/pcap.h>

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace {

// Eight bytes at a time: a fair floor reads the bytes as fast as memory allows.
std::uint64_t touch(const u_char* data, std::uint32_t n) {
    std::uint64_t sum = 0;
    std::uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, data + i, 8);
        sum += word;
    }
    for (; i < n; ++i) sum += data[i];
    return sum;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: bench_floor CAPTURE\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(argv[1], err);
    if (p == nullptr) {
        std::fprintf(stderr, "bench_floor: %s\n", err);
        return 1;
    }
    std::uint64_t packets = 0, bytes = 0, sum = 0;
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(p, &h, &data) == 1) {
        ++packets;
        bytes += h->caplen;
        sum += touch(data, h->caplen);
    }
    pcap_close(p);
    // Printing the sum keeps the compiler from skipping the reads.
    std::printf("%" PRIu64 " packets, %" PRIu64 " bytes, word sum %" PRIu64 "\n", packets, bytes, sum);
    return 0;
}
