// Replays through each fuzz target's entry point every input that ever
// crashed it (tests/fuzz/regressions/<target>/, kept forever) and a few
// built-in seeds, so a fixed crash stays fixed in every build, with any
// compiler. Built without the fuzzer: the targets are compiled once more
// with their entry point renamed (FTPSNIFF_FUZZ_ENTRY).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int fuzz_decode_one(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_stream_one(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_ftp_lines_one(const std::uint8_t* data, std::size_t size);
extern "C" int fuzz_knowledge_one(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;
using Bytes = std::string;  // raw bytes; std::string keeps the seeds short to write

const fs::path kRegressions = FTPSNIFF_FUZZ_REGRESSIONS;
const char* const kTargets[] = {"fuzz_decode", "fuzz_stream", "fuzz_ftp_lines", "fuzz_knowledge"};

Bytes be16(std::size_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v)}; }

// An IPv4 header from 10.0.0.1 to 10.0.0.2 around `l4`; `frag` is the
// flags and fragment offset field.
Bytes ipv4_tcp(const Bytes& l4, unsigned frag) {
    return Bytes("\x45\x00", 2) + be16(20 + l4.size()) + be16(7) + be16(frag) + Bytes("\x40\x06\x00\x00", 4) +
           Bytes("\x0a\x00\x00\x01\x0a\x00\x00\x02", 8) + l4;
}

// A TCP header 40000 -> 21, seq 1000, PSH|ACK, then `payload`.
Bytes tcp(std::string_view payload) {
    return Bytes("\x9c\x40\x00\x15\x00\x00\x03\xe8\x00\x00\x00\x00\x50\x18\xff\xff\x00\x00\x00\x00", 20) +
           Bytes(payload);
}

// fuzz_decode's input: selector, then length-prefixed frames.
Bytes frames(char selector, const std::vector<Bytes>& list) {
    Bytes out(1, selector);
    for (const Bytes& f : list) out += be16(f.size()) + f;
    return out;
}

// One fuzz_stream segment: control byte, flags, seq offset, length, payload.
Bytes segment(bool to_server, char flags, std::string_view payload) {
    return Bytes{static_cast<char>(to_server ? 0x09 : 0x08), flags, 0, 0, static_cast<char>(payload.size())} +
           Bytes(payload);
}

std::vector<Bytes> seeds(std::string_view target) {
    const Bytes datagram = tcp("USER a\r\n");
    if (target == "fuzz_decode") {
        const Bytes whole = ipv4_tcp(datagram, 0x4000);
        const Bytes first = ipv4_tcp(datagram.substr(0, 24), 0x2000), last = ipv4_tcp(datagram.substr(24), 3);
        const Bytes ethernet = Bytes(12, '\0') + Bytes("\x08\x00", 2);
        return {frames(2, {whole}),                                     // raw IPv4
                frames(2, {first, last}),                               // in two fragments
                frames(char(0x81), {ethernet + whole.substr(0, 44)})};  // Ethernet, snap length cut
    }
    if (target == "fuzz_stream") {
        const char ack = 0x10, psh_ack = 0x18, fin_ack = 0x11, rst = 0x04;
        const Bytes login = segment(false, psh_ack, "220 hi\r\n") + segment(true, psh_ack, "USER a\r\n") +
                            segment(false, psh_ack, "331-pw\r\n 1\r\n331 go\r\n") + segment(true, fin_ack, "") +
                            segment(false, fin_ack, "") + segment(true, ack, "");
        return {Bytes(1, 0x0c) + login, Bytes(1, char(0x8c)) + login,  // on the FTP port; found by FtpDetector
                Bytes(1, 0x5f) + segment(true, psh_ack, "AUTH TLS\r\nPASS x\r\nNOOP\r\n") +
                    segment(false, psh_ack, "234 ok\r\n") + segment(true, rst, "")};
    }
    if (target == "fuzz_ftp_lines") {
        const Bytes text =
            "220-a\r\n b\r\n220 c\r\nUSER x\r\n\xff\x1b[31m\"\\\r\n227 Passive (10,0,0,2,4,1)\r\n"
            "PORT 10,0,0,1,4,2\r\nEPRT |2|::1|5000|\r\n257 \"/a \"\"b\"\"\"\r\n500";
        return {Bytes("\xff\x10\x00", 3) + text, Bytes("\x02\x03\x12", 3) + text};
    }
    return {"code\tafter\tname\tmeaning\twhen\tremedy\tsource\n550\tRETR\tn\tm\tw\tr\ts\n550\t\tn\tm\tw\tr\ts\n",
            "code\tafter\tname\tmeaning\twhen\tremedy\tsource\n5x0\t\tn\tm\tw\tr\ts\n", "# nothing\n",
            "verb\treplies\tsource\n*\t421 500\ts\nRETR\t125 150 226 500\ts\n"};  // command_replies.tsv
}

std::vector<fs::path> saved_inputs(std::string_view target) {
    std::vector<fs::path> out;
    const fs::path dir = kRegressions / target;
    if (!fs::is_directory(dir)) return out;  // no crash found yet
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.is_regular_file() && !entry.path().filename().string().starts_with(".")) {
            out.push_back(entry.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

Bytes read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void replay(std::string_view target, int (*entry)(const std::uint8_t*, std::size_t)) {
    auto run = [&](const Bytes& input, const std::string& label) {
        // A crash kills the process before gtest can say which input did it.
        std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(target.size()), target.data(), label.c_str());
        EXPECT_EQ(entry(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()), 0) << label;
    };
    int n = 0;
    for (const Bytes& seed : seeds(target)) run(seed, "built-in seed " + std::to_string(n++));
    for (const fs::path& path : saved_inputs(target)) run(read_file(path), path.string());
}

TEST(FuzzRegressions, DirectoryHoldsOnlyTargets) {
    // A crash saved under a misspelt name would never be replayed.
    ASSERT_TRUE(fs::is_directory(kRegressions)) << kRegressions;
    for (const auto& entry : fs::directory_iterator(kRegressions)) {
        std::string name = entry.path().filename().string();
        if (name == "README.md") continue;
        bool target = std::find(std::begin(kTargets), std::end(kTargets), name) != std::end(kTargets);
        EXPECT_TRUE(entry.is_directory() && target) << name << " in " << kRegressions << " is not a fuzz target's";
    }
}

TEST(FuzzRegressions, Decode) { replay("fuzz_decode", fuzz_decode_one); }
TEST(FuzzRegressions, Stream) { replay("fuzz_stream", fuzz_stream_one); }
TEST(FuzzRegressions, FtpLines) { replay("fuzz_ftp_lines", fuzz_ftp_lines_one); }
TEST(FuzzRegressions, Knowledge) { replay("fuzz_knowledge", fuzz_knowledge_one); }

}  // namespace
