// Findings about a data connection from its TCP evidence, each only on that
// evidence: the cases real failures produce, and their near misses.
#include "ftpsniff/diagnose.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ftpsniff {
namespace {

Endpoint at(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port) {
    return Endpoint{IpAddress{4, {a, b, c, d}}, port};
}

const FlowInfo kFlow{1, at(198, 51, 100, 7, 50000), at(203, 0, 113, 9, 21), true, {}};

// A passive RETR whose connection ended as `end`.
DataChannelEvent passive(DataEnd end) {
    DataChannelEvent d;
    d.passive = true;
    d.command = "RETR";
    d.listener = at(203, 0, 113, 9, 40001);
    d.opener = at(198, 51, 100, 7, 51000);
    d.first = Timestamp{100, 0};
    d.last = Timestamp{107, 0};
    d.end = end;
    d.syns = end == DataEnd::unanswered ? 3 : 1;
    d.closed_by = end == DataEnd::refused ? DataSide::server : DataSide::none;
    return d;
}

std::vector<Diagnosis> run(const DataChannelEvent& d, const SessionContext& s = {}) {
    return diagnose_data(d, kFlow, s, DiagnosisTexts::builtin());
}

std::vector<std::string> ids(const DataChannelEvent& d, const SessionContext& s = {}) {
    std::vector<std::string> out;
    for (const Diagnosis& x : run(d, s)) out.emplace_back(x.id);
    return out;
}

using Ids = std::vector<std::string>;

TEST(DiagnoseData, UnansweredSynsToThePassivePortAreABlockedPort) {
    auto found = run(passive(DataEnd::unanswered));
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].id, "data_port_blocked");
    EXPECT_NE(found[0].message.find("3 SYN(s) to the server's passive port 203.0.113.9:40001"), std::string::npos);
    EXPECT_NE(found[0].message.find("7.0 s"), std::string::npos);
}

TEST(DiagnoseData, OneSynGivenUpOnAtOnceShowsNoDrop) {
    DataChannelEvent d = passive(DataEnd::unanswered);
    d.syns = 1;
    d.last = d.first;
    EXPECT_EQ(ids(d), Ids{});
}

TEST(DiagnoseData, UnansweredSynsToAPrivateAnnouncedAddressNameIt) {
    DataChannelEvent d = passive(DataEnd::unanswered);
    d.listener = at(10, 0, 0, 2, 40001);
    SessionContext vsftpd;
    vsftpd.software = ServerSoftware{"vsftpd", "3.0.3", SoftwareClue::greeting};
    auto found = run(d, vsftpd);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].id, "pasv_private_address");
    EXPECT_NE(found[0].message.find("10.0.0.2:40001"), std::string::npos);
    EXPECT_NE(found[0].remedy.find("pasv_address"), std::string::npos) << found[0].remedy;
    EXPECT_EQ(found[0].remedy.find("MasqueradeAddress"), std::string::npos) << "vsftpd's setting only";
}

TEST(DiagnoseData, AResetAnsweringTheSynIsARefusedPort) {
    EXPECT_EQ(ids(passive(DataEnd::refused)), Ids{"data_port_refused"});
    DataChannelEvent active = passive(DataEnd::refused);
    active.passive = false;
    EXPECT_EQ(ids(active), Ids{"active_connect_failed"});
    active.end = DataEnd::unanswered;
    active.syns = 3;
    auto found = run(active);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_NE(found[0].message.find("the server's"), std::string::npos) << "in active mode the server connects";
}

TEST(DiagnoseData, AResetDuringATransferNamesItsSide) {
    DataChannelEvent d = passive(DataEnd::rst);
    d.started = true;
    d.closed_by = DataSide::server;
    d.bytes_to_client = 7000;
    auto found = run(d);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].id, "transfer_reset");
    EXPECT_NE(found[0].message.find("the server reset"), std::string::npos);
    EXPECT_NE(found[0].message.find("7000 bytes"), std::string::npos);
}

TEST(DiagnoseData, AResetBeforeAnyTransferOrAfterAllTheBytesIsNoFinding) {
    DataChannelEvent refused_transfer = passive(DataEnd::rst);  // a 550 came instead of a 150
    refused_transfer.closed_by = DataSide::server;
    EXPECT_EQ(ids(refused_transfer), Ids{});
    DataChannelEvent complete = refused_transfer;
    complete.started = true;
    complete.bytes_to_client = 21;
    complete.expected_to_client = 21;
    EXPECT_EQ(ids(complete), Ids{});
}

TEST(DiagnoseData, TheTransfersReplyDecidesWhatAResetMeans) {
    DataChannelEvent d = passive(DataEnd::rst);
    d.started = true;
    d.closed_by = DataSide::client;
    d.bytes_to_client = 300;
    d.final_reply = 226;  // done: the reset only closed it
    EXPECT_EQ(ids(d), Ids{});
    d.final_reply = 426;  // broken: the reset is the cause
    auto found = run(d);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].severity, Severity::error);
    d.final_reply = 451;  // the server says why: the reset is the effect
    d.final_frame = 40;
    found = run(d);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].severity, Severity::info);
    EXPECT_NE(found[0].message.find("the 451 reply (frame 40)"), std::string::npos) << found[0].message;
}

TEST(DiagnoseData, FewerBytesThanAnnouncedIsATruncatedTransfer) {
    DataChannelEvent d = passive(DataEnd::fin);
    d.started = true;
    d.closed_by = DataSide::server;
    d.bytes_to_client = 4096;
    d.expected_to_client = 1048576;
    auto found = run(d);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].id, "transfer_truncated");
    EXPECT_NE(found[0].message.find("4096 of the 1048576 bytes"), std::string::npos);
    d.bytes_to_client = 1048576;
    EXPECT_EQ(ids(d), Ids{});
    d.expected_to_client.reset();  // nothing announced: nothing to compare
    d.bytes_to_client = 4096;
    EXPECT_EQ(ids(d), Ids{});
}

TEST(DiagnoseData, AnAbortIsTheClientsChoiceNotAFailure) {
    DataChannelEvent d = passive(DataEnd::rst);
    d.started = true;
    d.aborted = true;
    d.closed_by = DataSide::client;
    d.expected_to_client = 1000000;
    d.bytes_to_client = 65536;
    auto found = run(d);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].id, "transfer_aborted_by_client");
    EXPECT_EQ(found[0].severity, Severity::info);
}

TEST(DiagnoseData, AClientThatUsedAnotherAddressWorkedAroundTheServer) {
    DataChannelEvent d = passive(DataEnd::fin);
    d.announced = at(10, 0, 0, 2, 40001);
    d.started = true;
    d.closed_by = DataSide::server;
    auto found = run(d);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].id, "pasv_address_mismatch");
    EXPECT_NE(found[0].message.find("instead of 10.0.0.2:40001"), std::string::npos);
}

TEST(DiagnoseData, ANormalTransferHasNoFinding) {
    DataChannelEvent d = passive(DataEnd::fin);
    d.started = true;
    d.closed_by = DataSide::server;
    d.bytes_to_client = 21;
    d.expected_to_client = 21;
    EXPECT_EQ(ids(d), Ids{});
}

}  // namespace
}  // namespace ftpsniff

namespace ftpsniff {
namespace {

SessionEndEvent tls_end(std::uint32_t client_records, CloseReason why = CloseReason::fin) {
    SessionEndEvent end{why, {}};
    end.state.tls = TlsMode::explicit_auth;
    end.state.tls_records_to_server = client_records;
    return end;
}

TEST(DiagnoseEnd, AHandshakeThatNeverReachedACommandFailed) {
    SessionContext s;
    s.tls_began = Timestamp{100, 0};
    const DiagnosisTexts& texts = DiagnosisTexts::builtin();
    auto found = diagnose_end(tls_end(2), Timestamp{100, 200000000}, s, texts);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].id, "tls_handshake_failed");
    EXPECT_NE(found[0].message.find("0.2 s"), std::string::npos) << found[0].message;
    // A client that sent its Finished and commands got through.
    EXPECT_TRUE(diagnose_end(tls_end(9), Timestamp{101, 0}, s, texts).empty());
    // Still open at the end of the capture: nothing is known yet.
    EXPECT_TRUE(diagnose_end(tls_end(2, CloseReason::end_of_capture), Timestamp{101, 0}, s, texts).empty());
    // Records the capture lost cannot be counted.
    SessionEndEvent lost = tls_end(2);
    lost.state.tls_readable = false;
    EXPECT_TRUE(diagnose_end(lost, Timestamp{101, 0}, s, texts).empty());
    // No TLS at all.
    EXPECT_TRUE(diagnose_end(SessionEndEvent{}, Timestamp{101, 0}, SessionContext{}, texts).empty());
}

}  // namespace
}  // namespace ftpsniff
