// End-to-end cases: captures built byte by byte, run through the whole
// pipeline, with the exact events expected. Each case is one way real
// networks and capture tools mangle a TCP stream.
#include "../support/capture_builder.hpp"
#include "../support/pipeline_output.hpp"

#include "ftpsniff/pipeline.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <sstream>

namespace ftpsniff {
namespace {

using test::Conversation;
using test::Packet;
using test::PcapWriter;

// The run's JSON Lines, each event condensed to one short string.
std::vector<std::string> run(const PcapWriter& capture, PipelineOptions opts = {}) {
    opts.format = Format::json;
    std::istringstream lines(test::pipeline_output(capture, opts));

    std::vector<std::string> events;
    for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line);
        std::string type = j["type"];
        auto dir = [&] { return std::string(j["direction"] == "to_server" ? "c" : "s"); };
        if (type == "session_start") {
            events.push_back("S" + std::to_string(j["session"].get<int>()) + (j["handshake_seen"] ? "" : " midstream"));
        } else if (type == "command") {
            std::string arg = j["arg"];
            events.push_back("C " + j["verb"].get<std::string>() + (arg.empty() ? "" : " " + arg));
        } else if (type == "reply") {
            std::string joined;
            for (const auto& l : j["lines"]) joined += (joined.empty() ? "" : "|") + l.get<std::string>();
            std::string to = j["greeting"]            ? "greeting"
                             : j["command"].is_null() ? "?"
                                                      : j["command"].get<std::string>();
            for (const auto& d : j["diagnoses"]) joined += " !" + d["id"].get<std::string>();
            events.push_back("R " + joined + " <- " + to + (j["complete"] ? "" : " incomplete") +
                             (j["uncertain"] ? " uncertain" : ""));
        } else if (type == "unparsed") {
            events.push_back("U " + dir() + " " + j["line"].get<std::string>() + " " + j["reason"].get<std::string>());
        } else if (type == "gap") {
            events.push_back("G " + dir() + " " + std::to_string(j["bytes"].get<std::uint64_t>()));
        } else if (type == "anomaly") {
            events.push_back("A " + dir() + " " + j["name"].get<std::string>());
        } else if (type == "tls") {
            events.push_back("TLS");
        } else if (type == "data_channel") {
            std::string command = j["command"].is_null() ? "?" : j["command"].get<std::string>();
            std::string found;
            for (const auto& d : j["diagnoses"]) found += " !" + d["id"].get<std::string>();
            events.push_back("D " + j["mode"].get<std::string>() + " " + command + " " +
                             std::to_string(j["bytes_to_client"].get<std::uint64_t>()) + "/" +
                             std::to_string(j["bytes_to_server"].get<std::uint64_t>()) + " " +
                             j["end"].get<std::string>() + found);
        } else if (type == "session_end") {
            events.push_back("E " + j["reason"].get<std::string>());
        }
    }
    return events;
}

using Events = std::vector<std::string>;

const Endpoint kClient = test::endpoint("192.0.2.10", 40000);
const Endpoint kServer = test::endpoint("192.0.2.21", 21);
const std::string kFeat = "211-Features:\r\n EPSV\r\n PASV\r\n211 End\r\n";

// A session: greeting, FEAT with a multi-line reply, QUIT, closed by FIN.
// `server_feat` decides how the FEAT reply's bytes reach the capture.
PcapWriter feat_session(const std::function<std::vector<Packet>(Conversation&)>& server_feat,
                        std::uint32_t client_isn = 1000, std::uint32_t server_isn = 5000) {
    PcapWriter w(1);
    Conversation c(kClient, kServer, client_isn, server_isn);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    w.add(c.client("FEAT\r\n"));
    w.add(server_feat(c));
    w.add(c.client("QUIT\r\n"));
    w.add(c.server("221 bye\r\n"));
    w.add(c.close());
    return w;
}

const Events kFeatEvents = {
    "S1",     "R 220 ready <- greeting", "C FEAT", "R 211-Features:| EPSV| PASV|211 End <- FEAT",
    "C QUIT", "R 221 bye <- QUIT",       "E fin"};

TEST(CaptureCases, InOrderSession) {
    EXPECT_EQ(run(feat_session([](Conversation& c) { return std::vector<Packet>{c.server(kFeat)}; })), kFeatEvents);
}

// -c N: reading stops once N replies have been seen, whatever thread
// writes them; the summary still comes.
TEST(CaptureCases, StopsAfterTheRepliesAsked) {
    auto w = feat_session([](Conversation& c) { return std::vector<Packet>{c.server(kFeat)}; });
    PipelineOptions opts;
    opts.format = Format::json;
    std::string out = test::pipeline_output(w, opts, StopWhen{nullptr, 2});
    std::size_t replies = 0;
    for (std::size_t at = out.find("\"type\":\"reply\""); at != std::string::npos;
         at = out.find("\"type\":\"reply\"", at + 1)) {
        ++replies;
    }
    EXPECT_EQ(replies, 2u);
    EXPECT_NE(out.find("\"type\":\"summary\""), std::string::npos);
}

TEST(CaptureCases, ReplySplitAtEveryBytePosition) {
    for (std::size_t cut = 1; cut < kFeat.size(); ++cut) {
        auto w = feat_session([&](Conversation& c) { return test::split(c.server(kFeat), {cut}); });
        EXPECT_EQ(run(w), kFeatEvents) << "cut at " << cut;
    }
}

TEST(CaptureCases, SegmentsReversed) {
    auto w = feat_session([](Conversation& c) {
        auto parts = test::split(c.server(kFeat), {5, 12, 20, 31});
        std::reverse(parts.begin(), parts.end());
        return parts;
    });
    EXPECT_EQ(run(w), kFeatEvents);
}

TEST(CaptureCases, SegmentsShuffled) {
    std::mt19937 rng(42);
    for (int round = 0; round < 20; ++round) {
        auto w = feat_session([&](Conversation& c) {
            std::vector<std::size_t> cuts;
            for (std::size_t i = 1; i < kFeat.size(); i += 3) cuts.push_back(i);
            auto parts = test::split(c.server(kFeat), cuts);
            std::shuffle(parts.begin(), parts.end(), rng);
            return parts;
        });
        EXPECT_EQ(run(w), kFeatEvents) << "round " << round;
    }
}

TEST(CaptureCases, DuplicatesAndFaithfulOverlapsAreDropped) {
    auto w = feat_session([](Conversation& c) {
        std::vector<Packet> parts{c.server_at(0, kFeat.substr(0, 20)), c.server_at(0, kFeat.substr(0, 20)),
                                  c.server_at(10, kFeat.substr(10, 15)), c.server_at(15, kFeat.substr(15))};
        c.server(kFeat);
        return parts;
    });
    EXPECT_EQ(run(w), kFeatEvents);
}

TEST(CaptureCases, ConflictingOverlapKeepsFirstCopyAndIsReported) {
    auto w = feat_session([](Conversation& c) {
        std::vector<Packet> parts{c.server_at(0, kFeat.substr(0, 20)), c.server_at(15, "XXXXX" + kFeat.substr(20))};
        c.server(kFeat);
        return parts;
    });
    Events expected = kFeatEvents;
    expected.insert(expected.begin() + 3, "A s tcp_overlap_conflict");
    EXPECT_EQ(run(w), expected);
}

TEST(CaptureCases, LostSegmentBecomesGapAndParsingResumes) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    w.add(c.client("USER anna\r\n"));
    c.server("331 Password required for anna.\r\n");  // never captured
    w.add(c.client("PASS secret\r\n"));               // acknowledges the lost reply
    w.add(c.server("230 Logged in.\r\n"));
    w.add(c.close());
    EXPECT_EQ(run(w), (Events{"S1", "R 220 ready <- greeting", "C USER anna", "G s 33", "C PASS ****",
                              "R 230 Logged in. <- PASS uncertain", "E fin"}));
}

TEST(CaptureCases, GapInsideLineDropsTheFragment) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    w.add(c.client("LIST\r\n"));
    auto parts = test::split(c.server("150 Here comes the listing.\r\n226 Done.\r\n"), {10, 20});
    w.add(parts[0]);
    w.add(parts[2]);  // parts[1] is lost; the client's ACK below reveals it
    w.add(c.client("QUIT\r\n"));
    w.add(c.server("221 bye\r\n"));
    w.add(c.close());
    EXPECT_EQ(run(w), (Events{"S1", "R 220 ready <- greeting", "C LIST", "U s 150 Here c cut_by_gap", "G s 10",
                              "U s isting. fragment_after_gap", "R 226 Done. <- ? uncertain", "C QUIT",
                              "R 221 bye <- QUIT", "E fin"}));
}

TEST(CaptureCases, SequenceNumbersWrapAround) {
    for (std::uint32_t isn : {0xfffffff0u, 0xfffffffau, 0xffffffffu}) {
        auto w = feat_session(
            [](Conversation& c) {
                auto parts = test::split(c.server(kFeat), {7, 14});
                std::reverse(parts.begin(), parts.end());
                return parts;
            },
            isn, isn - 3);
        EXPECT_EQ(run(w), kFeatEvents) << "isn " << isn;
    }
}

TEST(CaptureCases, MidStreamPickupStartsAtFirstCompleteLine) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    c.handshake();
    w.add(c.server("ome to the server\r\n220 ready\r\n"));  // the capture starts inside the greeting
    w.add(c.client("PASV\r\n"));                            // may be the rest of a PASS line: masked, and no command
    w.add(c.server("227 Entering Passive Mode (192,0,2,21,200,10).\r\n"));
    w.add(c.client("LIST\r\n"));
    w.add(c.server("150 Here it comes.\r\n"));
    EXPECT_EQ(run(w), (Events{"S1 midstream", "U s ome to the server fragment_after_gap", "R 220 ready <- ?",
                              "U c **** fragment_after_gap", "R 227 Entering Passive Mode (192,0,2,21,200,10). <- ?",
                              "C LIST", "R 150 Here it comes. <- LIST", "E end_of_capture"}));
}

TEST(CaptureCases, PortReuseStartsNewSession) {
    PcapWriter w(1);
    for (std::uint32_t isn : {1000u, 90000u}) {
        Conversation c(kClient, kServer, isn, isn * 3);
        w.add(c.handshake());
        w.add(c.server("220 ready\r\n"));
        w.add(c.client("QUIT\r\n"));
        w.add(c.server("221 bye\r\n"));
        w.add(c.close());
    }
    EXPECT_EQ(run(w), (Events{"S1", "R 220 ready <- greeting", "C QUIT", "R 221 bye <- QUIT", "E fin", "S2",
                              "R 220 ready <- greeting", "C QUIT", "R 221 bye <- QUIT", "E fin"}));
}

TEST(CaptureCases, ResetEndsSession) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    Packet rst = c.client("");
    rst.flags = tcp_flag::rst;
    w.add(rst);
    EXPECT_EQ(run(w), (Events{"S1", "R 220 ready <- greeting", "E rst"}));
}

TEST(CaptureCases, SnapLengthCutIsAGap) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    w.add(c.client("HELP\r\n"));
    auto reply = test::frame(1, test::ip_packet(c.server("214-Commands:\r\n USER PASS\r\n214 End\r\n")));
    w.add(reply, reply.size() - 20);  // the last 20 payload bytes are not in the capture
    w.add(c.client("QUIT\r\n"));
    w.add(c.server("221 bye\r\n"));
    EXPECT_EQ(run(w),
              (Events{"S1", "R 220 ready <- greeting", "C HELP", "R 214-Commands: <- HELP incomplete",
                      "U s   cut_by_gap", "G s 20", "C QUIT", "R 221 bye <- QUIT uncertain", "E end_of_capture"}));
}

// The same short session under every link layer and IP version ftpsniff reads.
Events short_session_under(int linktype, const Endpoint& client, const Endpoint& server, int vlans = 0,
                           bool ipv6_extensions = false) {
    PcapWriter w(linktype);
    Conversation c(client, server);
    std::vector<Packet> packets = c.handshake();
    packets.push_back(c.server("220 ready\r\n"));
    packets.push_back(c.client("SYST\r\n"));
    packets.push_back(c.server("215 UNIX Type: L8\r\n"));
    for (const Packet& p : packets) w.add(test::frame(linktype, test::ip_packet(p, ipv6_extensions), vlans));
    return run(w);
}

const Events kShortEvents = {"S1", "R 220 ready <- greeting", "C SYST", "R 215 UNIX Type: L8 <- SYST",
                             "E end_of_capture"};

TEST(CaptureCases, EveryLinkTypeIpv4AndIpv6) {
    const Endpoint client6 = test::endpoint("fd00::1:10", 40000), server6 = test::endpoint("fd00::1:26", 21);
    for (int linktype : {1, 0, 108, 113, 276, 101}) {
        EXPECT_EQ(short_session_under(linktype, kClient, kServer), kShortEvents) << "link type " << linktype;
        EXPECT_EQ(short_session_under(linktype, client6, server6), kShortEvents) << "link type " << linktype;
    }
    EXPECT_EQ(short_session_under(228, kClient, kServer), kShortEvents);
    EXPECT_EQ(short_session_under(229, client6, server6), kShortEvents);
}

TEST(CaptureCases, VlanAndQinQ) {
    EXPECT_EQ(short_session_under(1, kClient, kServer, 1), kShortEvents);
    EXPECT_EQ(short_session_under(1, kClient, kServer, 2), kShortEvents);
}

TEST(CaptureCases, Ipv6ExtensionHeaders) {
    EXPECT_EQ(short_session_under(1, test::endpoint("2001:db8::1", 40000), test::endpoint("2001:db8::2", 21), 0, true),
              kShortEvents);
}

TEST(CaptureCases, IpFragmentsReassembledInAnyOrder) {
    for (const auto& [client, server] :
         {std::pair{kClient, kServer}, std::pair{test::endpoint("fd00::10", 40000), test::endpoint("fd00::21", 21)}}) {
        PcapWriter w(1);
        Conversation c(client, server);
        w.add(c.handshake());
        w.add(c.server("220 ready\r\n"));
        w.add(c.client("FEAT\r\n"));
        auto fragments = test::fragment(test::ip_packet(c.server(kFeat)), 16);
        std::reverse(fragments.begin(), fragments.end());
        fragments.push_back(fragments[1]);  // a duplicate fragment changes nothing
        for (const auto& f : fragments) w.add(test::frame(1, f));
        EXPECT_EQ(run(w), (Events{"S1", "R 220 ready <- greeting", "C FEAT",
                                  "R 211-Features:| EPSV| PASV|211 End <- FEAT", "E end_of_capture"}))
            << to_string(client);
    }
}

// A download in passive or active mode; the data connection's packets are
// in the capture unless `capture_data` is false.
PcapWriter transfer_session(bool passive, bool capture_data, bool reset = false) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    Endpoint listener = passive ? test::endpoint("192.0.2.21", 50000) : test::endpoint("192.0.2.10", 41000);
    Endpoint opener = passive ? test::endpoint("192.0.2.10", 43210) : test::endpoint("192.0.2.21", 20);
    if (passive) {
        w.add(c.client("PASV\r\n"));
        w.add(c.server("227 Entering Passive Mode (192,0,2,21,195,80).\r\n"));
    } else {
        w.add(c.client("PORT 192,0,2,10,160,40\r\n"));
        w.add(c.server("200 PORT command successful.\r\n"));
    }
    w.add(c.client("RETR file.bin\r\n"));
    w.add(c.server("150 Opening BINARY mode data connection.\r\n"));
    Conversation data(opener, listener, 7000, 9000);
    const std::string body(3000, 'x');
    std::vector<Packet> data_packets = data.handshake();
    Packet chunk = passive ? data.server(body) : data.client(body);
    data_packets.push_back(chunk);
    data_packets.push_back(chunk);  // a retransmission is not counted twice
    if (reset) {
        Packet rst = data.client("");
        rst.flags = tcp_flag::rst;
        data_packets.push_back(rst);
    } else {
        auto fin = data.close();
        data_packets.insert(data_packets.end(), fin.begin(), fin.end());
    }
    if (capture_data) w.add(data_packets);
    w.add(c.server(reset ? "426 Connection closed; transfer aborted.\r\n" : "226 Transfer complete.\r\n"));
    w.add(c.close());
    return w;
}

TEST(CaptureCases, PassiveDataConnectionIsFollowed) {
    EXPECT_EQ(
        run(transfer_session(true, true)),
        (Events{"S1", "R 220 ready <- greeting", "C PASV", "R 227 Entering Passive Mode (192,0,2,21,195,80). <- PASV",
                "C RETR file.bin", "R 150 Opening BINARY mode data connection. <- RETR", "D passive RETR 3000/0 fin",
                "R 226 Transfer complete. <- RETR", "E fin"}));
}

TEST(CaptureCases, ActiveDataConnectionIsFollowed) {
    EXPECT_EQ(
        run(transfer_session(false, true)),
        (Events{"S1", "R 220 ready <- greeting", "C PORT 192,0,2,10,160,40", "R 200 PORT command successful. <- PORT",
                "C RETR file.bin", "R 150 Opening BINARY mode data connection. <- RETR", "D active RETR 3000/0 fin",
                "R 226 Transfer complete. <- RETR", "E fin"}));
}

TEST(CaptureCases, ResetDataConnection) {
    auto events = run(transfer_session(true, true, true));
    EXPECT_EQ(events[6], "D passive RETR 3000/0 rst !transfer_reset");
    EXPECT_EQ(events[7], "R 426 Connection closed; transfer aborted. !data_connection_missing <- RETR");
}

// A PASV download whose 150 announces `announced` bytes after a REST of
// `rest`, of which the data connection carries 3000 and closes.
PcapWriter sized_download(std::uint64_t announced, std::uint64_t rest) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    w.add(c.client("TYPE I\r\n"));
    w.add(c.server("200 Switching to Binary mode.\r\n"));
    w.add(c.client("PASV\r\n"));
    w.add(c.server("227 Entering Passive Mode (192,0,2,21,195,80).\r\n"));
    if (rest > 0) {
        w.add(c.client("REST " + std::to_string(rest) + "\r\n"));
        w.add(c.server("350 Restart position accepted.\r\n"));
    }
    w.add(c.client("RETR file.bin\r\n"));
    w.add(c.server("150 Opening BINARY mode data connection for file.bin (" + std::to_string(announced) +
                   " bytes).\r\n"));
    Conversation data(test::endpoint("192.0.2.10", 43210), test::endpoint("192.0.2.21", 50000), 7000, 9000);
    w.add(data.handshake());
    w.add(data.server(std::string(3000, 'x')));
    w.add(data.close());
    w.add(c.server("226 Transfer complete.\r\n"));
    w.add(c.close());
    return w;
}

TEST(CaptureCases, ADownloadShortOfTheAnnouncedSizeIsTruncated) {
    auto events = run(sized_download(5000, 0));
    EXPECT_EQ(events[events.size() - 3], "D passive RETR 3000/0 fin !transfer_truncated");
    // After REST 2000 the server may count the whole file: 3000 is all of it.
    events = run(sized_download(5000, 2000));
    EXPECT_EQ(events[events.size() - 3], "D passive RETR 3000/0 fin");
    events = run(sized_download(3000, 0));
    EXPECT_EQ(events[events.size() - 3], "D passive RETR 3000/0 fin");
}

// PASV names a private address; the client connects to the server's own,
// as lftp does; then a second PASV whose SYNs nobody answers.
TEST(CaptureCases, DataConnectionsTellAWorkaroundFromUnansweredSyns) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    w.add(c.client("PASV\r\n"));
    w.add(c.server("227 Entering Passive Mode (10,1,2,3,195,80).\r\n"));
    w.add(c.client("LIST\r\n"));
    w.add(c.server("150 Here comes the directory listing.\r\n"));
    Conversation data(test::endpoint("192.0.2.10", 43210), test::endpoint("192.0.2.21", 50000), 7000, 9000);
    w.add(data.handshake());
    w.add(data.server("a\r\n"));
    w.add(data.close());
    w.add(c.server("226 Directory send OK.\r\n"));
    w.add(c.client("PASV\r\n"));
    w.add(c.server("227 Entering Passive Mode (192,0,2,21,195,81).\r\n"));
    Conversation lost(test::endpoint("192.0.2.10", 43211), test::endpoint("192.0.2.21", 50001), 8000, 9000);
    Packet syn = lost.handshake().front();
    for (int i = 0; i < 3; ++i) w.add(syn);
    w.add(c.client("RETR file.bin\r\n"));
    w.add(c.server("425 Failed to establish connection.\r\n"));
    w.add(c.close());
    auto events = run(w);
    EXPECT_EQ(events[6], "D passive LIST 3/0 fin !pasv_address_mismatch");
    EXPECT_EQ(events[11], "D passive RETR 0/0 unanswered !data_port_blocked");
    EXPECT_EQ(events[12], "R 425 Failed to establish connection. !data_connection_missing <- RETR");
}

// Suricata's ippair-leak capture: tcpreplay rewrote the client's address in
// the headers, not in PORT; the server connected to the address it saw.
// And on one host (loopback) the addresses cannot tell active from passive.
TEST(CaptureCases, ActiveConnectionToTheClientsSeenAddressIsItsTransfers) {
    for (const char* client : {"192.0.2.10", "192.0.2.21"}) {
        SCOPED_TRACE(client);
        PcapWriter w(1);
        Conversation c(test::endpoint(client, 40000), kServer);
        w.add(c.handshake());
        w.add(c.server("220 ready\r\n"));
        w.add(c.client("PORT 192,0,2,99,160,40\r\n"));
        w.add(c.server("200 PORT command successful.\r\n"));
        w.add(c.client("NLST\r\n"));
        w.add(c.server("150 Here comes the directory listing.\r\n"));
        Conversation data(test::endpoint("192.0.2.21", 20), test::endpoint(client, 41000), 7000, 9000);
        w.add(data.handshake());
        w.add(data.client("a\r\n"));
        w.add(data.close());
        w.add(c.server("226 Directory send OK.\r\n"));
        w.add(c.close());
        auto events = run(w);
        ASSERT_GE(events.size(), 8u);
        EXPECT_EQ(events[6], "D active NLST 3/0 fin");
        EXPECT_EQ(events[7], "R 226 Directory send OK. <- NLST");
    }
}

TEST(CaptureCases, TransferWithoutDataConnectionIsDiagnosed) {
    auto events = run(transfer_session(true, false));
    EXPECT_EQ(events[6], "D passive RETR 0/0 never_opened");
    EXPECT_EQ(events[7], "R 226 Transfer complete. !data_not_captured <- RETR");
}

TEST(CaptureCases, PipeliningEarlyCommandsAndTelnetInterrupt) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.client("USER anna\r\n"));  // before the greeting
    w.add(c.server("220 ready\r\n331 Password required\r\n"));
    w.add(c.client("PASS x\r\nPWD\r\nTYPE I\r\n"));  // three in one segment
    w.add(c.server("230 Logged in\r\n257 \"/\"\r\n200 Type set\r\n"));
    w.add(c.client("RETR big\r\n"));
    w.add(c.server("150 Opening\r\n"));
    w.add(
        c.client("\xff\xf4\xff\xf2"
                 "ABOR\r\n"));
    w.add(c.server("426 Transfer aborted\r\n226 ABOR successful\r\n"));
    EXPECT_EQ(run(w), (Events{"S1", "C USER anna", "R 220 ready <- greeting", "R 331 Password required <- USER",
                              "C PASS ****", "C PWD", "C TYPE I", "R 230 Logged in <- PASS", "R 257 \"/\" <- PWD",
                              "R 200 Type set <- TYPE", "C RETR big", "R 150 Opening <- RETR", "C ABOR",
                              "R 426 Transfer aborted <- RETR", "R 226 ABOR successful <- ABOR", "E end_of_capture"}));
}

// FTP has no subnegotiation: one left open ends at the line, and the
// commands after it are read.
TEST(CaptureCases, UnterminatedSubnegotiationEndsAtTheLine) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    w.add(c.client("\xff\xfa\x18 hidden\r\nSYST\r\n"));
    w.add(c.server("215 UNIX Type: L8\r\n"));
    EXPECT_EQ(run(w), (Events{"S1", "R 220 ready <- greeting", "A c telnet_subnegotiation_unterminated",
                              "U c  not_a_command", "C SYST", "R 215 UNIX Type: L8 <- SYST", "E end_of_capture"}));
}

// Once a command was forgotten at the cap, which one a reply answers is a
// guess until none waits (and a guess proves no reply unexpected).
TEST(CaptureCases, RepliesAfterPendingCommandsCapAreUncertain) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    w.add(c.client("NOOP\r\nSYST\r\nPWD\r\n"));
    w.add(c.server("200 a\r\n215 b\r\n257 c\r\n"));
    PipelineOptions opts;
    opts.ftp.max_pending_commands = 2;
    EXPECT_EQ(run(w, opts),
              (Events{"S1", "R 220 ready <- greeting", "C NOOP", "C SYST", "A c pending_commands_cap_hit", "C PWD",
                      "R 200 a <- SYST uncertain", "R 215 b <- PWD uncertain", "R 257 c <- ?", "E end_of_capture"}));
}

TEST(CaptureCases, DiagnosesInAConversation) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    w.add(c.client("USER anna\r\n"));
    w.add(c.server("331 Password required\r\n"));
    w.add(c.client("PASS wrong\r\n"));
    w.add(c.server("530 Login incorrect.\r\n"));
    w.add(c.client("EPSV\r\n"));
    w.add(c.server("227 Entering Passive Mode (10,1,2,3,19,137).\r\n"));
    w.add(c.client("AUTH TLS\r\n"));
    w.add(c.server("234 Proceed with negotiation.\r\n"));
    w.add(c.client("\x16\x03\x01\x00\x05hello"));
    EXPECT_EQ(run(w), (Events{"S1", "R 220 ready <- greeting", "C USER anna", "R 331 Password required <- USER",
                              "C PASS ****", "R 530 Login incorrect. !login_failed <- PASS", "C EPSV",
                              "R 227 Entering Passive Mode (10,1,2,3,19,137). !unexpected_reply <- EPSV", "C AUTH TLS",
                              "R 234 Proceed with negotiation. !tls_started <- AUTH", "TLS", "E end_of_capture"}));
}

TEST(CaptureCases, PassiveAddressBehindNat) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    w.add(c.client("PASV\r\n"));
    w.add(c.server("227 Entering Passive Mode (10,1,2,3,19,137).\r\n"));
    EXPECT_EQ(run(w)[3], "R 227 Entering Passive Mode (10,1,2,3,19,137). !pasv_address_mismatch <- PASV");
}

TEST(CaptureCases, ImplicitTls) {
    PcapWriter w(1);
    Conversation c(kClient, test::endpoint("192.0.2.21", 990));
    w.add(c.handshake());
    w.add(c.client("\x16\x03\x01\x00\x05hello"));
    PipelineOptions opts;
    opts.ports = {990};
    EXPECT_EQ(run(w, opts), (Events{"S1", "TLS", "E end_of_capture"}));
}

TEST(CaptureCases, EscapeSequencesFromTheNetworkNeverReachTheTerminal) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 \x1b]0;owned\x07\x1b[2J hello\r\n"));
    using namespace std::string_literals;
    w.add(c.client("USER \x1b[31mred\x08\x00x\xc2\x9b\r\n"s));
    w.add(c.server("331 ok\r\n"));
    PipelineOptions opts;
    for (Format format : {Format::text, Format::json}) {
        opts.format = format;
        std::string out = test::pipeline_output(w, opts);
        for (char ch : out) {
            auto byte = static_cast<unsigned char>(ch);
            EXPECT_TRUE(byte >= 0x20 || byte == '\n') << "raw control byte " << int(byte);
            EXPECT_NE(byte, 0x7f);
        }
        EXPECT_EQ(out.find("\xc2\x9b"), std::string::npos);  // C1 CSI
    }
    opts.format = Format::text;
    std::string text = test::pipeline_output(w, opts);
    EXPECT_NE(text.find("220 \\x1b]0;owned\\x07\\x1b[2J hello"), std::string::npos);
    EXPECT_NE(text.find("USER \\x1b[31mred\\x08\\x00x\\xc2\\x9b"), std::string::npos);
}

// "text" is written from the escaped "lines": each line without its code
// prefix (where it has one), escapes and all.
TEST(CaptureCases, JsonReplyTextIsTheLinesWithoutTheirCodes) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220-say \"hi\"\tnow\r\n 220 inner \x01\xc3\xa9\r\n220-\\ back\r\n220 end \x7f\r\n"));
    w.add(c.client("QUIT\r\n"));
    w.add(c.server("221\r\n"));
    PipelineOptions opts;
    opts.format = Format::json;
    std::istringstream lines(test::pipeline_output(w, opts));
    std::vector<nlohmann::json> replies;
    for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line);
        if (j["type"] == "reply") replies.push_back(j);
    }
    ASSERT_EQ(replies.size(), 2u);
    EXPECT_EQ(replies[0]["lines"],
              (nlohmann::json{"220-say \"hi\"\tnow", " 220 inner \u0001\u00e9", "220-\\ back", "220 end \u007f"}));
    EXPECT_EQ(replies[0]["text"], "say \"hi\"\tnow\n 220 inner \u0001\u00e9\n\\ back\nend \u007f");
    EXPECT_EQ(replies[1]["lines"], (nlohmann::json{"221"}));
    EXPECT_EQ(replies[1]["text"], "");
}

TEST(CaptureCases, AnonymizedOutputHoldsNoOriginalAddressUserOrHost) {
    PcapWriter w(1);
    Conversation c(test::endpoint("203.0.113.77", 40000), test::endpoint("198.51.100.21", 21));
    w.add(c.handshake());
    w.add(c.server("220 ftp.acme-corp.com FTP server ready\r\n"));
    w.add(c.client("USER anna.smith\r\n"));
    w.add(c.server("331 Password required for anna.smith\r\n"));
    w.add(c.client("PORT 203,0,113,77,156,74\r\n"));
    w.add(c.server("200 PORT command successful\r\n"));
    w.add(c.client("EPRT |2|2001:db8:aa::77|5282|\r\n"));
    w.add(c.server("227 Entering Passive Mode (198,51,100,21,19,137).\r\n"));
    w.add(c.client("RETR notes.txt\r\n"));
    PipelineOptions opts;
    opts.anonymize = true;
    for (Format format : {Format::text, Format::json, Format::markdown}) {
        opts.format = format;
        std::string out = test::pipeline_output(w, opts);
        for (const char* original : {"203.0.113.77", "198.51.100.21", "203,0,113,77", "198,51,100,21", "anna.smith",
                                     "acme-corp", "2001:db8:aa::77"}) {
            EXPECT_EQ(out.find(original), std::string::npos) << original << " in format " << int(format);
        }
        EXPECT_NE(out.find("notes.txt"), std::string::npos);  // a file name is no host name
    }
    // The same address always gets the same pseudonym.
    opts.format = Format::json;
    std::string json = test::pipeline_output(w, opts);
    EXPECT_NE(json.find("\"client\":\"198.18.0.1:40000\""), std::string::npos);
    EXPECT_NE(json.find("PORT\",\"arg\":\"198,18,0,1,156,74"), std::string::npos);
}

TEST(CaptureCases, PasswordsAreMaskedUnlessAsked) {
    PcapWriter w(1);
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.client("pass hunter2\r\n"));
    EXPECT_EQ(run(w)[1], "C PASS ****");
    PipelineOptions show;
    show.show_passwords = true;
    EXPECT_EQ(run(w, show)[1], "C PASS hunter2");
}

TEST(CaptureCases, DetectFindsFtpOnAnyPortAndNothingElse) {
    PcapWriter w(1);
    Conversation ftp(kClient, test::endpoint("192.0.2.21", 8021));
    w.add(ftp.handshake());
    w.add(ftp.server("220 ready\r\n"));
    w.add(ftp.client("USER anna\r\n"));
    w.add(ftp.server("331 Password required\r\n"));
    Conversation smtp(test::endpoint("192.0.2.10", 41000), test::endpoint("192.0.2.25", 25));
    w.add(smtp.handshake());
    w.add(smtp.server("220 mail ESMTP\r\n"));
    w.add(smtp.client("EHLO me\r\n"));
    w.add(smtp.server("250 mail\r\n"));
    EXPECT_EQ(run(w), (Events{}));
    PipelineOptions opts;
    opts.detect = true;
    EXPECT_EQ(run(w, opts), (Events{"S1", "R 220 ready <- greeting", "C USER anna", "R 331 Password required <- USER",
                                    "E end_of_capture"}));
}

TEST(CaptureCases, OtherControlPort) {
    PcapWriter w(1);
    Conversation c(kClient, test::endpoint("192.0.2.21", 2121));
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    EXPECT_EQ(run(w), (Events{}));
    PipelineOptions opts;
    opts.ports = {2121};
    EXPECT_EQ(run(w, opts), (Events{"S1", "R 220 ready <- greeting", "E end_of_capture"}));
}

}  // namespace
}  // namespace ftpsniff
