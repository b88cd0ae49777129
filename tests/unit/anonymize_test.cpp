// --anonymize: nothing real may be left in any text ftpsniff prints, whatever
// form an address takes, whatever case a user name comes back in, and the
// forms FTP parses (PORT, 227, EPRT, LPRT, 228) must still parse afterwards
// with the pseudonym's address and the original port.
#include "../support/capture_builder.hpp"
#include "../support/leak_cases.hpp"
#include "../support/temp_file.hpp"

#include "ftpsniff/anonymize.hpp"
#include "ftpsniff/data_channel.hpp"
#include "ftpsniff/pipeline.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ftpsniff {
namespace {

IpAddress ip(std::string_view text) { return test::endpoint(text, 1).ip; }

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

TEST(Anonymizer, AddressFollowedByPortKeepsThePort) {
    Anonymizer a;
    std::string fake = to_string(a.address(ip("203.0.113.7")));
    EXPECT_EQ(a.text("no data connection to 203.0.113.7:40000 appears"),
              "no data connection to " + fake + ":40000 appears");
    std::string fake6 = to_string(a.address(ip("fd00::7")));
    EXPECT_EQ(a.text("connect to [fd00::7]:21 now"), "connect to [" + fake6 + "]:21 now");
}

// A number list whose last number begins a dotted quad (found by
// fuzz_ftp_lines): the list's octets and the quad are both replaced.
TEST(Anonymizer, AQuadGluedToANumberListIsReplacedToo) {
    Anonymizer a;
    const std::string out = a.text("(10,0,0,20,156,73.0.113.20]2)");
    EXPECT_EQ(out.find("73.0.113.20"), std::string::npos) << out;
    EXPECT_EQ(out.find("10,0,0,20"), std::string::npos) << out;
    const IpAddress list = a.address(ip("10.0.0.20"));
    EXPECT_NE(out.find(fmt::format("{},{},{},{},156,", list.bytes[0], list.bytes[1], list.bytes[2], list.bytes[3])),
              std::string::npos)
        << out;
    EXPECT_NE(out.find(to_string(a.address(ip("73.0.113.20")))), std::string::npos) << out;
}

// A run of more than four dotted numbers: which four are an address is
// unknown, so none of them survives (found by fuzz_ftp_lines).
TEST(Anonymizer, NoQuadOfALongerDottedRunSurvives) {
    Anonymizer a;
    const std::string fake = to_string(a.address(ip("203.0.113.2")));
    EXPECT_EQ(a.text("o203.0.113.2.0.113.20 x"), "o" + fake + ".0.0.0 x");
}

TEST(Anonymizer, EveryIpv6SpellingGetsTheOneAddressPseudonym) {
    Anonymizer a;
    std::string fake = to_string(a.address(ip("fd00:aa::77")));
    for (const char* form :
         {"fd00:aa::77", "FD00:AA::77", "fd00:00aa:0000:0000:0000:0000:0000:0077", "fd00:aa:0:0:0:0:0:77"}) {
        EXPECT_EQ(a.text(std::string("at ") + form + "."), "at " + fake + ".") << form;
    }
    // A dual-stack server shows an IPv4 peer as IPv4-mapped: the same host.
    std::string fake4 = to_string(a.address(ip("203.0.113.7")));
    EXPECT_EQ(a.text("from ::ffff:203.0.113.7 and ::FFFF:203.0.113.7"),
              "from ::ffff:" + fake4 + " and ::ffff:" + fake4);
    // A zone stays, the address goes.
    EXPECT_EQ(a.text("fd00:aa::77%eth0"), fake + "%eth0");
}

TEST(Anonymizer, LoopbackIsReplacedLikeAnyAddress) {
    Anonymizer a;
    std::string out = a.text("127.0.0.1:21 [::1]:21 127,0,0,1,4,5 ::ffff:127.0.0.1");
    EXPECT_EQ(out.find("127"), std::string::npos) << out;
    EXPECT_EQ(out.find("[::1]"), std::string::npos) << out;
}

TEST(Anonymizer, AddressesGluedToOtherTextAreReplacedToo) {
    Anonymizer a;
    for (const char* text : {"a203.0.113.7b", "203.0.113.7.21", "x=203.0.113.7;", "(203.0.113.7)", "203.000.113.007",
                             "user@[fd00::7]", "fd00::7.21", "addr:fd00::7:", "1.2.3.4.5"}) {
        std::string out = a.text(text);
        EXPECT_EQ(out.find("203.0"), std::string::npos) << text << " -> " << out;
        EXPECT_EQ(out.find("113.7"), std::string::npos) << text << " -> " << out;
        EXPECT_EQ(out.find("fd00"), std::string::npos) << text << " -> " << out;
        EXPECT_EQ(out.find("1.2.3.4"), std::string::npos) << text << " -> " << out;
    }
}

TEST(Anonymizer, TextThatHoldsNoAddressIsLeftAlone) {
    Anonymizer a;
    for (const char* text : {"vsFTPd 3.0.3", "at 12:34:56", "RETR notes.txt", "md5 d41d8cd98f00b204e9800998ecf8427e",
                             "std::string", "listening on 0.0.0.0 and ::", "Windows 10.0.17763.1"}) {
        EXPECT_EQ(a.text(text), text);
    }
}

TEST(Anonymizer, UserNamesInAnyCaseGetTheSamePseudonym) {
    Anonymizer a;
    std::string fake = a.user("Alice.Smith");
    EXPECT_EQ(a.user("alice.smith"), fake);
    EXPECT_EQ(a.user("ALICE.SMITH"), fake);
    EXPECT_EQ(a.text("331 Please specify the password for alice.smith"), "331 Please specify the password for " + fake);
    EXPECT_EQ(a.text("230 User ALICE.SMITH logged in."), "230 User " + fake + " logged in.");
    EXPECT_EQ(a.text("257 \"/home/Alice.Smith\" is the current directory"),
              "257 \"/home/" + fake + "\" is the current directory");
    EXPECT_EQ(a.text("(alice.smith) alice.smith@203.0.113.7 DOMAIN\\alice.smith"),
              "(" + fake + ") " + fake + "@" + to_string(a.address(ip("203.0.113.7"))) + " DOMAIN\\" + fake);
    // Only whole names: a longer word that starts the same is another name.
    EXPECT_EQ(a.text("alice.smithers"), "alice.smithers");
}

TEST(Anonymizer, UserNamesWithSeparatorsInsideAreFoundWhole) {
    Anonymizer a;
    std::string mail = a.user("Alice@Example.org");
    EXPECT_EQ(lower(a.text("230 alice@example.org logged in")).find("alice"), std::string::npos);
    EXPECT_EQ(a.text("230 alice@example.org logged in"), "230 " + mail + " logged in");
    std::string two = a.user("Carol Jones");
    std::string out = lower(a.text("331 Password for Carol Jones, please"));
    EXPECT_EQ(out.find("carol"), std::string::npos) << out;
    EXPECT_EQ(out.find("jones"), std::string::npos) << out;
}

TEST(Anonymizer, AVerbThatIsAUserNameIsHiddenButFtpVerbsStay) {
    Anonymizer a;
    std::string fake = a.user("bob");
    EXPECT_EQ(a.verb("BOB"), fake);
    EXPECT_EQ(a.verb("RETR"), "RETR");
    a.user("list");  // a user named like a command: the command wins
    EXPECT_EQ(a.verb("LIST"), "LIST");
}

TEST(Anonymizer, HostNamesInAnyCaseGetTheSamePseudonym) {
    Anonymizer a;
    std::string one = a.text("ftp.acme-corp.com");
    EXPECT_EQ(a.text("FTP.ACME-CORP.COM"), one);
    EXPECT_EQ(one.find("acme"), std::string::npos);
    EXPECT_EQ(a.text("ftp://ftp.acme-corp.com:21/"), "ftp://" + one + ":21/");
}

// What the pseudonym of `original` is, as the parsers read it back.
void expect_parses_to(const DataAddressResult& r, const IpAddress& fake, std::uint16_t port, std::string_view text) {
    ASSERT_TRUE(r.address) << text << ": " << address_error_text(r.error);
    ASSERT_TRUE(r.address->ip) << text;
    EXPECT_EQ(*r.address->ip, fake) << text;
    EXPECT_EQ(r.address->port, port) << text;
}

TEST(Anonymizer, LongFormsStayValidWithThePseudonymsOctets) {
    Anonymizer a;
    IpAddress v4 = a.address(ip("203.0.113.7")), v6 = a.address(ip("fd00::7"));
    std::string lprt = a.text("4,4,203,0,113,7,2,156,74");
    expect_parses_to(parse_lprt_arg(lprt), v4, 156 * 256 + 74, lprt);
    std::string lprt6 = a.text("6,16,253,0,0,0,0,0,0,0,0,0,0,0,0,0,0,7,2,19,137");
    expect_parses_to(parse_lprt_arg(lprt6), v6, 19 * 256 + 137, lprt6);
    std::string lpsv = a.text("228 Entering Long Passive Mode (6,16,253,0,0,0,0,0,0,0,0,0,0,0,0,0,0,7,2,19,137)");
    expect_parses_to(parse_lpsv_reply(lpsv), v6, 19 * 256 + 137, lpsv);
    EXPECT_EQ(lpsv.find("253,0"), std::string::npos) << lpsv;
    std::string lpsv4 = a.text("228 Entering Long Passive Mode (4,4,203,0,113,7,2,19,137)");
    expect_parses_to(parse_lpsv_reply(lpsv4), v4, 19 * 256 + 137, lpsv4);
    EXPECT_EQ(lpsv4.find("203,0"), std::string::npos) << lpsv4;
}

TEST(Anonymizer, ShortFormsStayValidWithThePseudonymsAddress) {
    Anonymizer a;
    IpAddress v4 = a.address(ip("203.0.113.7")), v6 = a.address(ip("fd00::7"));
    std::string port = a.text("203,0,113,7,156,74");
    expect_parses_to(parse_port_arg(port), v4, 156 * 256 + 74, port);
    std::string pasv = a.text("Entering Passive Mode (203,0,113,7,19,137).");
    expect_parses_to(parse_pasv_reply(pasv), v4, 19 * 256 + 137, pasv);
    std::string eprt = a.text("|1|203.0.113.7|5282|");
    expect_parses_to(parse_eprt_arg(eprt), v4, 5282, eprt);
    std::string eprt6 = a.text("|2|fd00::7|5282|");
    expect_parses_to(parse_eprt_arg(eprt6), v6, 5282, eprt6);
    // PORT to 4.4.x.y: six numbers are PORT's, whatever the first two are.
    IpAddress four = a.address(ip("4.4.203.0"));
    std::string short_port = a.text("4,4,203,0,113,7");
    expect_parses_to(parse_port_arg(short_port), four, 113 * 256 + 7, short_port);
}

TEST(Anonymizer, TablesStayWithinTheirCapAndStayConsistentPastIt) {
    Anonymizer a(64 * 1024);
    std::vector<std::string> texts;
    for (unsigned n = 0; n < 20000; ++n) {
        std::string addr = "10." + std::to_string(n >> 8 & 255) + "." + std::to_string(n & 255) + ".9";
        std::string user = "person" + std::to_string(n);
        a.user(user);
        std::string out = a.text("from " + addr + " for " + user + " at h" + std::to_string(n) + ".acme.com");
        EXPECT_EQ(out.find(addr), std::string::npos);
        EXPECT_EQ(out.find(user), std::string::npos);
        EXPECT_EQ(out.find("acme"), std::string::npos);
        if (n % 1000 == 0) texts.push_back(addr + " " + user);
    }
    EXPECT_LE(a.bytes_held(), 64u * 1024);
    for (const std::string& t : texts) EXPECT_EQ(a.text(t), a.text(t));
    EXPECT_EQ(a.address(ip("10.0.77.9")), a.address(ip("10.0.77.9")));
}

// Each text is one scan with a lookup per word, whatever the number of
// names known: 50,000 users cost about what one does.
TEST(Anonymizer, TextCostsTheSameWithManyKnownUsers) {
    auto time_texts = [](Anonymizer& a) {
        auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < 2000; ++i) a.text("331 Please specify the password for somebody.else now, thanks");
        return std::chrono::steady_clock::now() - start;
    };
    Anonymizer few, many;
    few.user("someone");
    for (int n = 0; n < 50000; ++n) many.user("someone" + std::to_string(n));
    auto base = time_texts(few);
    EXPECT_LT(time_texts(many), 20 * base + std::chrono::milliseconds(50));
}

// Runs the capture through the whole pipeline; returns everything written:
// the format's output, the notes (the text summary) and the --report.
std::string everything(const test::PcapWriter& capture, Format format) {
    test::TempFile file(capture.bytes());
    char *out_text = nullptr, *notes_text = nullptr, *report_text = nullptr;
    std::size_t out_size = 0, notes_size = 0, report_size = 0;
    std::FILE* out = open_memstream(&out_text, &out_size);
    std::FILE* notes = open_memstream(&notes_text, &notes_size);
    std::FILE* report = open_memstream(&report_text, &report_size);
    PipelineOptions opts;
    opts.format = format;
    opts.anonymize = true;
    opts.report = report;
    PcapReader reader = PcapReader::open_file(file.path());
    run_capture(reader, opts, Knowledge::builtin(), out, notes, {});
    std::fclose(out);
    std::fclose(notes);
    std::fclose(report);
    std::string all =
        std::string(out_text, out_size) + std::string(notes_text, notes_size) + std::string(report_text, report_size);
    std::free(out_text);
    std::free(notes_text);
    std::free(report_text);
    return all;
}

TEST(AnonymizedRun, NoOriginalAddressUserOrHostInAnyFormatOrTheSummary) {
    test::PcapWriter w = test::anonymity_case();
    for (Format format : {Format::text, Format::json, Format::markdown}) {
        std::string all = lower(everything(w, format));
        for (const char* original : {"203.0.113.77", "198.51.100.21", "203,0,113,77", "198,51,100,21", "fd00",
                                     "253,0,0,170", "alice", "robert", "jones", "acme", "ffff:203", "ffff:cb00"}) {
            std::size_t at = all.find(original);
            EXPECT_EQ(at, std::string::npos)
                << original << " in format " << int(format) << ": " << all.substr(at < 60 ? 0 : at - 60, 120);
        }
        EXPECT_NE(all.find("notes.txt"), std::string::npos);
        EXPECT_NE(all.find("data_not_captured"), std::string::npos) << "format " << int(format);
        EXPECT_NE(all.find("login_guessing"), std::string::npos) << "format " << int(format);
    }
}

}  // namespace
}  // namespace ftpsniff
