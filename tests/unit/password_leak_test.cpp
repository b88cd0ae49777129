// Every way a hostile tester found to get a password past ftpsniff
// (tests/support/leak_cases.cpp), through every output: the transcript,
// JSON, Markdown and -w. A written capture must still read as one in
// tshark (no segment it calls lost or unseen that was not, checksums
// right) and in ftpsniff (the same replies). And -w --anonymize writes no
// original address or name, with the pseudonyms the printed output uses.
#include "../support/leak_cases.hpp"
#include "../support/temp_file.hpp"

#include "ftpsniff/pipeline.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

namespace ftpsniff {
namespace {

std::string run(const std::string& capture, PipelineOptions opts) {
    char* text = nullptr;
    std::size_t size = 0;
    std::FILE* out = open_memstream(&text, &size);
    std::FILE* notes = std::fopen("/dev/null", "w");
    PcapReader reader = PcapReader::open_file(capture);
    run_capture(reader, opts, Knowledge::builtin(), out, notes, {});
    std::fclose(out);
    std::fclose(notes);
    std::string result(text, size);
    std::free(text);
    return result;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string shell(const std::string& command) {
    std::string out;
    std::FILE* p = popen(command.c_str(), "r");
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    pclose(p);
    return out;
}

// What tshark calls lost or unseen, and how many TCP checksums it finds wrong.
std::string tshark_doubts(const std::string& path) {
    return shell("tshark -r " + path +
                 " -o tcp.check_checksum:TRUE -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment || "
                 "tcp.checksum.status == 0' -T fields -e frame.number 2>/dev/null | wc -l");
}

// The records of these types in JSON output, less their times.
std::string records(const std::string& json, std::initializer_list<std::string_view> types) {
    std::istringstream lines(json);
    std::string kept;
    for (std::string line; std::getline(lines, line);) {
        bool wanted = false;
        for (std::string_view type : types) wanted = wanted || line.find("\"type\":\"" + std::string(type) + "\"") == 1;
        if (wanted) kept += line.substr(line.find(",\"session\"")) + "\n";
    }
    return kept;
}

// The replies as JSON, less their times.
std::string replies(const std::string& capture) {
    PipelineOptions opts;
    opts.format = Format::json;
    return records(run(capture, opts), {"reply"});
}

class PasswordLeak : public testing::TestWithParam<std::size_t> {
protected:
    test::LeakCase leak = std::move(test::password_cases()[GetParam()]);
    test::TempFile capture{leak.capture.bytes()};
    test::TempFile written{{}};
};

TEST_P(PasswordLeak, NoOutputHoldsThePassword) {
    for (Format format : {Format::text, Format::json, Format::markdown}) {
        PipelineOptions opts;
        opts.format = format;
        std::string out = run(capture.path(), opts);
        for (const std::string& secret : leak.secrets) EXPECT_EQ(out.find(secret), std::string::npos) << out;
    }
}

TEST_P(PasswordLeak, WrittenCaptureHoldsNoPasswordAndReadsTheSame) {
    PipelineOptions opts;
    opts.write_path = written.path();
    (void)run(capture.path(), opts);
    std::string bytes = slurp(written.path());
    for (const std::string& secret : leak.secrets) EXPECT_EQ(bytes.find(secret), std::string::npos);
    EXPECT_EQ(tshark_doubts(written.path()), tshark_doubts(capture.path()));
    std::string read_back = replies(written.path());
    for (const std::string& secret : leak.secrets) EXPECT_EQ(read_back.find(secret), std::string::npos);
    if (leak.reads_back_the_same) {
        EXPECT_EQ(read_back, replies(capture.path()));
    }
    // Read with passwords shown, each PASS in it carries the mask alone.
    PipelineOptions shown;
    shown.format = Format::json;
    shown.show_passwords = true;
    std::istringstream lines(run(written.path(), shown));
    for (std::string line; std::getline(lines, line);) {
        if (line.find("\"verb\":\"PASS\"") == std::string::npos) continue;
        EXPECT_NE(line.find("\"verb\":\"PASS\",\"arg\":\"****\","), std::string::npos) << line;
    }
}

// The case holds its secrets: shown when asked, in the transcript or -w.
TEST_P(PasswordLeak, ShownWhenAsked) {
    PipelineOptions opts;
    opts.show_passwords = true;
    opts.write_path = written.path();
    std::string out = run(capture.path(), opts);
    out += slurp(written.path());
    for (const std::string& secret : leak.secrets) EXPECT_NE(out.find(secret), std::string::npos) << secret;
}

TEST(AnonymizedWrite, HoldsNothingRealAndReadsAsThePrintedOutput) {
    test::TempFile capture{test::anonymity_case().bytes()};
    test::TempFile written{{}};
    PipelineOptions opts;
    opts.format = Format::json;
    opts.anonymize = true;
    opts.write_path = written.path();
    std::string printed = run(capture.path(), opts);
    std::string bytes = slurp(written.path());
    std::string lowered = bytes;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view original : {"203.0.113.77", "198.51.100.21", "203,0,113,77", "198,51,100,21", "fd00",
                                      "253,0,0,170", "alice", "robert", "jones", "acme", "ffff:203"}) {
        EXPECT_EQ(lowered.find(original), std::string::npos) << original;
    }
    // In the headers too: the addresses as bytes.
    for (std::string_view octets : {std::string_view("\xcb\x00\x71\x4d", 4), std::string_view("\xc6\x33\x64\x15", 4),
                                    std::string_view("\xfd\x00\x00\xaa", 4)}) {
        EXPECT_EQ(bytes.find(octets), std::string::npos);
    }
    EXPECT_EQ(tshark_doubts(written.path()), tshark_doubts(capture.path()));
    // What the lines say, with the same pseudonyms. (How they pair may
    // differ: a bare user name sent as a line is a command to the printed
    // output, and its pseudonym, with a digit, is none when read back.)
    PipelineOptions plain;
    plain.format = Format::json;
    auto said = [](const std::string& json) {
        std::string out;
        static const std::regex fields(R"re("(lines|arg)":(\[[^\]]*\]|"[^"]+"))re");
        for (std::sregex_iterator it(json.begin(), json.end(), fields), end; it != end; ++it) out += it->str() + "\n";
        return out;
    };
    EXPECT_EQ(said(run(written.path(), plain)), said(printed));
}

INSTANTIATE_TEST_SUITE_P(Cases, PasswordLeak, testing::Range(std::size_t{0}, test::password_cases().size()),
                         [](const testing::TestParamInfo<std::size_t>& param) {
                             std::string name = test::password_cases()[param.param].name;
                             for (char& c : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             }
                             return name;
                         });

}  // namespace
}  // namespace ftpsniff
