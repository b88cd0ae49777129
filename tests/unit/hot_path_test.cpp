// The hot path (decode -> flow lookup -> reassembly -> line split) must not
// allocate for an in-order packet. A counting operator new for this test
// binary shows it.
#include "../support/capture_builder.hpp"

#include "ftpsniff/line_splitter.hpp"
#include "ftpsniff/reassembly.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace ftpsniff {
namespace {

// Splits both directions into lines and counts them, as FtpSession does
// before any parsing.
class LineCounter : public StreamHandler {
public:
    LineCounter(MemoryBudget& budget, std::size_t& lines)
        : to_server_(8192, budget), to_client_(8192, budget), lines_(lines) {}
    void on_data(Direction dir, Timestamp, std::span<const std::uint8_t> bytes) override {
        (dir == Direction::to_server ? to_server_ : to_client_).feed(bytes, [this](const Line&) { ++lines_; });
    }
    void on_gap(Direction, Timestamp, std::uint64_t) override {}
    void on_anomaly(Direction, Timestamp, Anomaly) override {}
    void on_close(Timestamp, CloseReason) override {}

private:
    LineSplitter to_server_, to_client_;
    std::size_t& lines_;
};

TEST(HotPath, InOrderPacketsAllocateNothing) {
    MemoryBudget budget(1 << 20);
    AnomalyCounts anomalies;
    std::size_t lines = 0;
    Reassembler reassembler([&](const FlowInfo&) { return std::make_unique<LineCounter>(budget, lines); }, anomalies,
                            budget);
    test::Conversation c(test::endpoint("192.0.2.10", 40000), test::endpoint("192.0.2.21", 21));
    std::vector<test::Bytes> frames;
    for (const auto& p : c.handshake()) frames.push_back(test::frame(1, test::ip_packet(p)));
    for (int i = 0; i < 200; ++i) {
        frames.push_back(test::frame(1, test::ip_packet(c.client("NOOP\r\n"))));
        frames.push_back(test::frame(1, test::ip_packet(c.server("200 NOOP ok\r\n"))));
        frames.push_back(test::frame(1, test::ip_packet(c.client("RETR some/rather/long/file/name.bin\r\nSI"))));
        frames.push_back(test::frame(1, test::ip_packet(c.client("ZE x\r\n"))));  // a line split across packets
    }
    FrameDecoder decoder(budget, anomalies);
    auto feed = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            RawFrame f;
            f.linktype = 1;
            f.bytes = frames[i];
            f.caplen = f.wirelen = static_cast<std::uint32_t>(frames[i].size());
            Decoded d = decoder.decode(f);
            ASSERT_EQ(d.status, DecodeStatus::tcp);
            reassembler.feed(d.segment, d.segment.dst.port == 21);
        }
    };
    feed(0, 3 + 8);  // the handshake and first exchanges: the flow and its buffers are made
    std::size_t before = g_allocations.load();
    feed(3 + 8, frames.size());
    EXPECT_EQ(g_allocations.load() - before, 0u);
    EXPECT_EQ(lines, 200u * 4);
}

}  // namespace
}  // namespace ftpsniff
