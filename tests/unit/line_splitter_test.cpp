#include "ftpsniff/line_splitter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ftpsniff {
namespace {

struct Got {
    std::string text;
    bool truncated;
    bool after_gap;
    bool complete;
    friend bool operator==(const Got&, const Got&) = default;
};

std::ostream& operator<<(std::ostream& os, const Got& g) {
    return os << '"' << g.text << '"' << (g.truncated ? " truncated" : "") << (g.after_gap ? " after_gap" : "")
              << (g.complete ? "" : " incomplete");
}

class Splitter {
public:
    explicit Splitter(std::size_t cap = 8192, std::size_t budget = 1 << 20) : budget_(budget), s_(cap, budget_) {}
    Splitter& feed(std::string_view bytes) {
        s_.feed(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), [this](const Line& l) {
            got.push_back({std::string(l.text), l.truncated, l.after_gap, l.complete});
        });
        return *this;
    }
    Splitter& finish() {
        s_.finish([this](const Line& l) {
            got.push_back({std::string(l.text), l.truncated, l.after_gap, l.complete});
        });
        return *this;
    }
    MemoryBudget budget_;
    LineSplitter s_;
    std::vector<Got> got;
};

TEST(LineSplitter, CrlfAndBareLf) {
    Splitter s;
    s.feed("USER a\r\nPASS b\nQUIT\r\n");
    EXPECT_EQ(s.got,
              (std::vector<Got>{
                  {"USER a", false, false, true}, {"PASS b", false, false, true}, {"QUIT", false, false, true}}));
}

TEST(LineSplitter, LineSplitAtEveryBytePosition) {
    const std::string stream = "220-Welcome\r\n220 Ready\r\n";
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        Splitter s;
        s.feed(stream.substr(0, cut)).feed(stream.substr(cut));
        EXPECT_EQ(s.got, (std::vector<Got>{{"220-Welcome", false, false, true}, {"220 Ready", false, false, true}}))
            << "cut at " << cut;
    }
}

TEST(LineSplitter, CrAloneInsideLineIsKept) {
    Splitter s;
    s.feed("a\rb\r\n");
    EXPECT_EQ(s.got.at(0).text, "a\rb");
}

TEST(LineSplitter, LongLineIsCutAndFlagged) {
    Splitter s(8);
    s.feed("0123456789ABC\r\nok\r\n");
    EXPECT_EQ(s.got, (std::vector<Got>{{"01234567", true, false, true}, {"ok", false, false, true}}));
}

TEST(LineSplitter, LongLineAcrossChunksIsCutOnce) {
    Splitter s(8);
    s.feed("01234").feed("56789").feed("ABC\r").feed("\nok\n");
    EXPECT_EQ(s.got, (std::vector<Got>{{"01234567", true, false, true}, {"ok", false, false, true}}));
}

TEST(LineSplitter, GapDropsPartialLineAndFlagsNext) {
    Splitter s;
    s.feed("USER a\r\nPA");
    s.s_.gap([&](const Line& l) {
        s.got.push_back({"gap:" + std::string(l.text), l.truncated, l.after_gap, l.complete});
    });
    s.feed("SS x\r\nQUIT\r\n");
    EXPECT_EQ(s.got, (std::vector<Got>{{"USER a", false, false, true},
                                       {"gap:PA", false, false, false},
                                       {"SS x", false, true, true},
                                       {"QUIT", false, false, true}}));
}

TEST(LineSplitter, SplitLineIsChargedToTheBudget) {
    Splitter s(8192, 100);
    s.feed(std::string(80, 'a'));
    EXPECT_GE(s.budget_.used(), 80u);
    EXPECT_FALSE(s.s_.take_refused());
    s.feed(std::string(80, 'b')).feed("\n");
    EXPECT_TRUE(s.s_.take_refused());
    ASSERT_EQ(s.got.size(), 1u);
    EXPECT_TRUE(s.got[0].truncated);
}

TEST(LineSplitter, UnterminatedTailComesOutAtFinish) {
    Splitter s;
    s.feed("221 Bye").finish();
    EXPECT_EQ(s.got, (std::vector<Got>{{"221 Bye", false, false, false}}));
}

}  // namespace
}  // namespace ftpsniff
