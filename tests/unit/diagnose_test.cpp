#include "ftpsniff/diagnose.hpp"
#include "builtin_data.hpp"
#include "ftpsniff/command_replies.hpp"
#include "ftpsniff/knowledge.hpp"
#include "tsv_keys.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

namespace ftpsniff {
namespace {

const FlowInfo kFlow{
    1, Endpoint{IpAddress{4, {203, 0, 113, 5}}, 50000}, Endpoint{IpAddress{4, {198, 51, 100, 7}}, 21}, true, {}};

const SessionContext kFeatures = [] {
    SessionContext s;
    s.features_seen = true;
    s.features = " EPRT EPSV MDTM SIZE UTF8 ";
    return s;
}();
const SessionContext kNoMode;
const SessionContext kLoggedIn{std::nullopt, DataMode::none, false, true, true, false};
const SessionContext kUsedMode{std::nullopt, DataMode::active, true, true, false};
const SessionContext kPassive{std::nullopt, DataMode::passive, false, true, false};
const SessionContext kActive{std::nullopt, DataMode::active, false, true, false};
const SessionContext kTypeA = [] {
    SessionContext s;
    s.type = 'A';
    s.type_frame = 9;
    return s;
}();
const SessionContext kDeleted = [] {
    SessionContext s;
    s.deleted.emplace_back("old.log", 14);
    return s;
}();

// As the annotator runs it: with the server's message the line holds.
std::vector<Diagnosis> diagnosed(ReplyFacts f, const DiagnosisTexts& texts = DiagnosisTexts::builtin()) {
    f.message = find_message(ServerMessages::builtin(), f);
    return diagnose(f, CommandReplies::builtin(), texts, {});
}

std::vector<std::string> ids(const ReplyFacts& facts) {
    std::vector<std::string> out;
    for (const Diagnosis& d : diagnosed(facts)) out.emplace_back(d.id);
    return out;
}

using Ids = std::vector<std::string>;

TEST(CommandReplies, BuiltinTableMergesRepliesAnyCommandMayGet) {
    const auto& table = CommandReplies::builtin();
    const std::vector<int>* retr = table.replies_of("RETR");
    ASSERT_NE(retr, nullptr);
    EXPECT_TRUE(table.allows(*retr, 150));
    EXPECT_TRUE(table.allows(*retr, 421));  // from the `*` row
    EXPECT_FALSE(table.allows(*retr, 200));
    EXPECT_EQ(table.replies_of("CLNT"), nullptr);  // not listed: not checked
}

TEST(CommandReplies, EveryCodeTheTableNamesHasAKnowledgeEntry) {
    const auto& table = CommandReplies::builtin();
    for (std::string_view verb : test::tsv_keys(builtin_file("command_replies.tsv"))) {
        if (verb == "*") continue;  // merged into every verb's row
        ASSERT_NE(table.replies_of(verb), nullptr) << verb;
        for (int code : *table.replies_of(verb)) {
            EXPECT_NE(KnowledgeBase::builtin().find(code), nullptr) << verb << " " << code;
        }
    }
}

TEST(CommandReplies, ErrorsNameFileAndLine) {
    try {
        CommandReplies::parse("verb\treplies\tsource\nRETR\t150 2x6\tRFC 959\n", "t.tsv");
        FAIL() << "no error";
    } catch (const KnowledgeError& e) {
        EXPECT_STREQ(e.what(), "t.tsv:2: '2x6' is not a reply code");
    }
}

TEST(Diagnose, UnexpectedReply) {
    EXPECT_EQ(ids({227, "EPSV", {}, &kFlow, {}}), Ids{"unexpected_reply"});
    EXPECT_EQ(ids({200, "RETR", {}, &kFlow, {}}), Ids{"unexpected_reply"});
    EXPECT_EQ(ids({229, "EPSV", {}, &kFlow, parse_epsv_reply("(|||5000|)")}), Ids{});
    EXPECT_EQ(ids({200, "CLNT", {}, &kFlow, {}}), Ids{});        // unlisted command
    EXPECT_EQ(ids({220, std::nullopt, {}, &kFlow, {}}), Ids{});  // greeting answers nothing
    // Not in the RFCs' lists, but what real servers send.
    EXPECT_EQ(ids({550, "STOR", {}, &kFlow, {}}), Ids{});  // vsftpd, ProFTPD: permission denied
    EXPECT_EQ(ids({202, "OPTS", {}, &kFlow, {}}), Ids{});  // FileZilla Server: UTF8 always on
    EXPECT_EQ(ids({504, "OPTS", {}, &kFlow, {}}), Ids{});  // ProFTPD: language not supported
}

TEST(Diagnose, PassiveAddressBehindNat) {
    auto facts = ReplyFacts{227, "PASV", {}, &kFlow, parse_pasv_reply("Entering Passive Mode (192,168,1,2,19,137).")};
    auto found = diagnosed(facts);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].id, "pasv_address_mismatch");
    EXPECT_NE(found[0].message.find("192.168.1.2"), std::string::npos);
    EXPECT_NE(found[0].message.find("behind NAT"), std::string::npos);
    EXPECT_EQ(ids({227, "PASV", {}, &kFlow, parse_pasv_reply("(198,51,100,7,19,137)")}), Ids{});
    EXPECT_EQ(ids({227, "PASV", {}, &kFlow, parse_pasv_reply("(1216,256,2,127,127,127)")}), Ids{"bad_data_address"});
}

TEST(Diagnose, ActiveAddress) {
    EXPECT_EQ(ids({200, "PORT", {}, &kFlow, parse_port_arg("10,0,0,5,4,1")}), Ids{"active_nat"});
    EXPECT_EQ(ids({200, "PORT", {}, &kFlow, parse_port_arg("203,0,113,5,4,1")}), Ids{});
    EXPECT_EQ(ids({200, "EPRT", {}, &kFlow, parse_eprt_arg("|3|x|1|")}), Ids{"bad_data_address"});
    // No host at all is the client's mistake, not a NAT.
    EXPECT_EQ(ids({200, "EPRT", {}, &kFlow, parse_eprt_arg("|2|::|5282|")}), Ids{"bad_data_address"});
    EXPECT_EQ(ids({200, "PORT", {}, &kFlow, parse_port_arg("0,0,0,0,4,1")}), Ids{"bad_data_address"});
    // Another family than the connection's: a dual-stack client's choice.
    EXPECT_EQ(ids({200, "EPRT", {}, &kFlow, parse_eprt_arg("|2|2001:db8::5|5282|")}), Ids{});
    // The server refuses the family: RFC 2428's 522.
    EXPECT_EQ(ids({522, "EPRT", {}, &kFlow, parse_eprt_arg("|2|2001:db8::5|5282|")}), Ids{"eprt_family_unsupported"});
    EXPECT_EQ(ids({522, "EPSV", {}, &kFlow, {}}), Ids{"eprt_family_unsupported"});
    EXPECT_EQ(ids({522, "RETR", {}, &kFlow, {}}), Ids{});  // RFC 4217: data connections must use TLS
}

TEST(Diagnose, DataConnectionLoginTlsAndLatency) {
    EXPECT_EQ(ids({425, "RETR", {}, &kFlow, {}}), Ids{"data_connection_missing"});
    EXPECT_EQ(ids({426, "STOR", {}, &kFlow, {}}), Ids{"data_connection_missing"});
    EXPECT_EQ(ids({426, "ABOR", {}, &kFlow, {}}), Ids{});  // an abort is meant to break it
    EXPECT_EQ(ids({426, "RETR", {}, &kFlow, {}, true}), Ids{});
    EXPECT_EQ(ids({530, "PASS", {}, &kFlow, {}}), Ids{"login_failed"});
    EXPECT_EQ(ids({530, "CWD", {}, &kFlow, {}}), Ids{});
    EXPECT_EQ(ids({234, "AUTH", {}, &kFlow, {}}), Ids{"tls_started"});
    EXPECT_EQ(ids({257, "PWD", 7500.0, &kFlow, {}}), Ids{"slow_reply"});
    EXPECT_EQ(ids({257, "PWD", 4900.0, &kFlow, {}}), Ids{});
    EXPECT_EQ(ids({226, "RETR", 60000.0, &kFlow, {}}), Ids{});  // the transfer took the time
}

// A 425 names the cause the session's own history shows: no data connection
// set up, one used up, or the side that had to connect.
TEST(Diagnose, RefusedDataConnectionByWhatTheSessionSetUp) {
    auto with = [](SessionContext s, std::string_view command = "RETR", bool uncertain = false) {
        static SessionContext kept;
        kept = std::move(s);
        ReplyFacts f{425, command, {}, &kFlow, {}, false, uncertain, &kept};
        std::vector<std::string> out;
        for (const Diagnosis& d : diagnosed(f)) {
            out.push_back(std::string(d.id) + (d.message.find("passive mode") != std::string::npos         ? "/passive"
                                               : d.message.find("active mode") != std::string::npos        ? "/active"
                                               : d.message.find("used by an earlier") != std::string::npos ? "/used"
                                                                                                           : ""));
        }
        return out;
    };
    SessionContext none;
    EXPECT_EQ(with(none), Ids{"no_data_mode"});
    SessionContext used;
    used.mode = DataMode::passive;
    used.mode_used = true;
    EXPECT_EQ(with(used), Ids{"no_data_mode/used"});
    SessionContext passive;
    passive.mode = DataMode::passive;
    EXPECT_EQ(with(passive), Ids{"data_connection_missing/passive"});
    SessionContext active;
    active.mode = DataMode::active;
    EXPECT_EQ(with(active), Ids{"data_connection_missing/active"});
    // Where the capture may lack the PASV or PORT, or the reply's command is
    // a guess, no cause is claimed.
    SessionContext partial;
    partial.whole = false;
    EXPECT_EQ(with(partial), Ids{"data_connection_missing"});
    EXPECT_EQ(with(none, "RETR", true), Ids{"data_connection_missing"});
    EXPECT_EQ(with(none, "PASV"), Ids{"data_connection_missing"});
}

// A refused login is a failed login only when the credentials were refused.
TEST(Diagnose, LoginRefusedByPolicyIsNoFailedLogin) {
    auto refused = [](std::string_view verb, std::string_view line, const SessionContext* s = nullptr) {
        ReplyFacts f{std::stoi(std::string(line.substr(0, 3))), verb, {}, &kFlow, {}, false, false, s, line};
        std::vector<std::string> out;
        for (const Diagnosis& d : diagnosed(f)) {
            out.emplace_back(d.id);
        }
        return out;
    };
    EXPECT_EQ(refused("PASS", "530 Login incorrect."), Ids{"login_failed"});
    EXPECT_EQ(refused("USER", "530 This FTP server is anonymous only."), Ids{"login_refused_policy"});
    EXPECT_EQ(refused("PASS", "530 Non-anonymous sessions must use encryption."), Ids{"tls_required"});
    EXPECT_EQ(refused("USER", "550 SSL/TLS required on the control channel"), Ids{"tls_required"});
    EXPECT_EQ(refused("USER",
                      "421 Sorry, cleartext sessions and weak ciphers are not accepted on this server. "
                      "Please reconnect using TLS security mechanisms."),
              Ids{"tls_required"});
    EXPECT_EQ(refused("USER", "530 Permission denied."), Ids{"login_refused_policy"});  // vsftpd's user list
    EXPECT_EQ(refused("PASS", "530 Permission denied."), Ids{"login_failed"});          // not the user list's
    EXPECT_EQ(refused("USER", "530 Can't change to another user.", &kLoggedIn), Ids{"login_refused_policy"});
    EXPECT_EQ(refused("USER", "530 Not now.", &kLoggedIn), Ids{"login_refused_policy"});
    // vsftpd's fatal error, whatever command it answers, even a guessed one.
    ReplyFacts oops{500,    "LIST",  {},
                    &kFlow, {},      false,
                    true,   nullptr, "500 OOPS: vsftpd: refusing to run with writable root inside chroot()"};
    auto found = diagnosed(oops);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(
        found[0].message,
        "vsftpd stopped the session on a fatal error: 'OOPS: vsftpd: refusing to run with writable root inside chroot()'");
    EXPECT_NE(found[0].remedy.find("allow_writeable_chroot=YES"), std::string::npos);
    // The remedy names the server's own setting for TLS.
    SessionContext vsftpd;
    vsftpd.software = ServerSoftware{"vsftpd", "3.0.3", SoftwareClue::greeting};
    ReplyFacts f{530, "USER", {}, &kFlow, {}, false, false, &vsftpd, "530 Non-anonymous sessions must use encryption."};
    std::string remedy = diagnosed(f).at(0).remedy;
    EXPECT_NE(remedy.find("vsftpd force_local_logins_ssl"), std::string::npos) << remedy;
    EXPECT_EQ(remedy.find("ProFTPD"), std::string::npos) << remedy;
}

// Replies whose wording names their cause, as real servers send them
// (../shared/reference/server_codes.md).
TEST(Diagnose, RepliesThatNameTheirCause) {
    auto cause = [](std::optional<std::string_view> verb, std::string_view line, const SessionContext* s = nullptr) {
        ReplyFacts f{std::stoi(std::string(line.substr(0, 3))), verb, {}, &kFlow, {}, false, false, s, line};
        std::vector<std::string> out;
        for (const Diagnosis& d : diagnosed(f)) {
            out.emplace_back(d.id);
        }
        return out;
    };
    EXPECT_EQ(cause(std::nullopt, "421 Timeout."), Ids{"idle_timeout"});                                // vsftpd
    EXPECT_EQ(cause(std::nullopt, "421 Timeout (no operation for 900 seconds)"), Ids{"idle_timeout"});  // Pure-FTPd
    EXPECT_EQ(cause(std::nullopt, "421 Idle timeout (600 seconds): closing control connection"), Ids{"idle_timeout"});
    EXPECT_EQ(cause(std::nullopt, "421 Activity timeout."), Ids{"idle_timeout"});  // FileZilla Server
    EXPECT_EQ(cause("RETR", "421 Data timeout. Reconnect. Sorry."), Ids{"data_timeout"});
    // Pure-FTPd's wait for a passive connection that never came: no stalled transfer.
    EXPECT_EQ(cause(std::nullopt, "421 Timeout (no new data for 300 seconds)"), Ids{});
    EXPECT_EQ(cause(std::nullopt, "421 There are too many connections from your internet address."),
              Ids{"too_many_connections"});
    EXPECT_EQ(cause("PASS", "530 Sorry, the maximum number of allowed clients (10) are already connected."),
              Ids{"too_many_connections"});  // ProFTPD: no failed login
    EXPECT_EQ(cause(std::nullopt, "421 50 users (the maximum) are already logged in, sorry"),
              Ids{"too_many_connections"});
    EXPECT_EQ(cause("SIZE", "550 SIZE not allowed in ASCII mode"), Ids{"ascii_mode_refused"});
    EXPECT_EQ(cause("STOR", "451 big.iso: Append/Restart not permitted, try again"), Ids{"restart_refused"});
    EXPECT_EQ(cause("STOR", "552 Quota exceeded: [big.iso] won't be saved"), Ids{"disk_full"});
    // The remedy names the limit of the server whose words these are, the
    // per-address one alone, identified or not.
    SessionContext pure;
    pure.software = ServerSoftware{"Pure-FTPd", "", SoftwareClue::greeting};
    ReplyFacts f{421, std::nullopt, {}, &kFlow, {}, false, false, &pure, "421 Too many connections (5) from this IP"};
    std::string remedy = diagnosed(f).at(0).remedy;
    EXPECT_NE(remedy.find("(Pure-FTPd -C (--maxclientsperip))"), std::string::npos) << remedy;
    SessionContext unknown;
    ReplyFacts g{421,    std::nullopt, {},
                 &kFlow, {},           false,
                 false,  &unknown,     "421 There are too many connections from your internet address."};
    remedy = diagnosed(g).at(0).remedy;
    EXPECT_NE(remedy.find("(vsftpd max_per_ip)"), std::string::npos) << remedy;
    // A phrase with its code counts only at the start of the line, and a
    // product's phrase not from another product: ProFTPD echoes the command,
    // whatever the client sent.
    SessionContext proftpd;
    proftpd.software = ServerSoftware{"ProFTPD", "", SoftwareClue::greeting};
    EXPECT_EQ(cause("OOPS:", "500 OOPS: not understood", &proftpd), Ids{"command_unknown"});  // no vsftpd error
    EXPECT_EQ(cause("RETR", "550 421 Timeout.txt: No such file or directory"), Ids{"not_found"});
    // Not every 421 is a timeout: no cause claimed for one that names none.
    EXPECT_EQ(cause(std::nullopt, "421 Service not available, closing control connection."), Ids{});
}

// An unknown command is told apart from a refused argument, with the FEAT
// list as evidence where the capture has it.
TEST(Diagnose, UnknownCommandsWithTheServersFeatures) {
    auto variant = [](int code, std::string_view verb, const SessionContext* s) {
        ReplyFacts f{code, verb, {}, &kFlow, {}, false, false, s};
        for (const Diagnosis& d : diagnosed(f)) {
            if (d.id == "command_unknown") return d.message;
        }
        return std::string("none");
    };
    EXPECT_EQ(variant(502, "MLSD", &kFeatures),
              "MLSD is not among the extensions the server's FEAT reply lists: it "
              "does not implement it");
    EXPECT_EQ(variant(502, "EPRT", &kFeatures).rfind("the server refused EPRT although its FEAT reply lists it", 0),
              0u);
    EXPECT_EQ(variant(500, "CLNT", nullptr), "the server does not implement CLNT");
    EXPECT_EQ(variant(500, "SITE", nullptr), "the server does not know this SITE subcommand");
    // 500 to a command an RFC defines objects to its argument, not the verb.
    EXPECT_EQ(variant(500, "PORT", nullptr), "none");
    EXPECT_EQ(variant(500, "EPRT", &kFeatures), "none");
    EXPECT_EQ(ids({503, "PASS", {}, &kFlow, {}}), Ids{"sequence_error"});
}

// A remedy names the settings of the server at hand, or of every server
// when it is unknown.
TEST(Diagnose, RemedyNamesTheServersOwnSettings) {
    SessionContext s;
    s.mode = DataMode::passive;
    ReplyFacts f{425, "RETR", {}, &kFlow, {}, false, false, &s};
    auto remedy = [&] { return diagnosed(f).at(0).remedy; };
    std::string unknown = remedy();
    EXPECT_NE(unknown.find("vsftpd pasv_min_port/pasv_max_port"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("ProFTPD PassivePorts"), std::string::npos) << unknown;
    s.software = ServerSoftware{"ProFTPD", "1.3.5", SoftwareClue::greeting};
    std::string proftpd = remedy();
    EXPECT_NE(proftpd.find("ProFTPD PassivePorts"), std::string::npos) << proftpd;
    EXPECT_EQ(proftpd.find("vsftpd"), std::string::npos) << proftpd;
    s.software = ServerSoftware{"Serv-U", "15.1", SoftwareClue::greeting};  // no row: not another product's
    EXPECT_NE(remedy().find("Serv-U's own setting for it"), std::string::npos) << remedy();
    EXPECT_EQ(remedy().find("vsftpd"), std::string::npos) << remedy();
}

// Facts that reach every (id, variant) diagnose() makes.
std::vector<ReplyFacts> every_finding() {
    return {
        {227, "EPSV", {}, &kFlow, {}},
        {227, "PASV", {}, &kFlow, parse_pasv_reply("(1216,256,2,127,127,127)")},
        {200, "EPRT", {}, &kFlow, parse_eprt_arg("|3|x|1|")},
        {227, "PASV", {}, &kFlow, parse_pasv_reply("(192,168,1,2,19,137)")},
        {227, "PASV", {}, &kFlow, parse_pasv_reply("(198,51,100,9,19,137)")},
        {200, "PORT", {}, &kFlow, parse_port_arg("10,0,0,5,4,1")},
        {200, "EPRT", {}, &kFlow, parse_eprt_arg("|2|::|5282|")},
        {522, "EPRT", {}, &kFlow, parse_eprt_arg("|2|2001:db8::5|5282|")},
        {425, "RETR", {}, &kFlow, {}},
        {425, "RETR", {}, &kFlow, {}, false, false, &kNoMode},
        {425, "RETR", {}, &kFlow, {}, false, false, &kUsedMode},
        {425, "RETR", {}, &kFlow, {}, false, false, &kPassive},
        {425, "RETR", {}, &kFlow, {}, false, false, &kActive},
        {426, "STOR", {}, &kFlow, {}},
        {530, "PASS", 7500.0, &kFlow, {}},
        {530, "USER", {}, &kFlow, {}},
        {530, "USER", {}, &kFlow, {}, false, false, nullptr, "530 This FTP server is anonymous only."},
        {530, "USER", {}, &kFlow, {}, false, false, nullptr, "530 This is a private system - No anonymous login"},
        {530, "PASS", {}, &kFlow, {}, false, false, nullptr, "530 Anonymous sessions may not use encryption."},
        {530, "USER", {}, &kFlow, {}, false, false, &kLoggedIn, "530 Who knows."},
        {530, "USER", {}, &kFlow, {}, false, false, nullptr, "530 Permission denied."},
        {534, "USER", {}, &kFlow, {}, false, false, nullptr, "534 Policy requires SSL."},
        {502, "MLSD", {}, &kFlow, {}},
        {502, "MLSD", {}, &kFlow, {}, false, false, &kFeatures},
        {502, "EPRT", {}, &kFlow, {}, false, false, &kFeatures},
        {500, "SITE", {}, &kFlow, {}},
        {503, "RNTO", {}, &kFlow, {}},
        {500, "LIST", {}, &kFlow, {}, false, true, nullptr, "500 OOPS: vsftpd: cannot locate user entry"},
        {421, std::nullopt, {}, &kFlow, {}, false, false, nullptr, "421 Timeout."},
        {421, std::nullopt, {}, &kFlow, {}, false, false, nullptr, "421 Login timeout (300 seconds): closing"},
        {421, std::nullopt, {}, &kFlow, {}, false, false, nullptr, "421 Session Timeout (3600 seconds): closing"},
        {421, std::nullopt, {}, &kFlow, {}, false, false, nullptr, "421 No transfer timeout (600 seconds): closing"},
        {421, std::nullopt, {}, &kFlow, {}, false, false, nullptr, "421 Data timeout. Reconnect. Sorry."},
        {421, std::nullopt, {}, &kFlow, {}, false, false, nullptr, "421 There are too many connected users, please"},
        {421, std::nullopt, {}, &kFlow, {}, false, false, nullptr, "421 Too many connections (5) from this IP"},
        {550, "SIZE", {}, &kFlow, {}, false, false, nullptr, "550 SIZE not allowed in ASCII mode"},
        {451, "STOR", {}, &kFlow, {}, false, false, nullptr, "451 f.txt: Append/Restart not permitted, try again"},
        {552, "STOR", {}, &kFlow, {}, false, false, nullptr, "552 Disk full - please upload later"},
        {552, "STOR", {}, &kFlow, {}, false, false, nullptr, "552 Disk quota exceeded."},
        {451, "STOR", {}, &kFlow, {}, false, false, nullptr, "451 Failure writing to local file."},
        {500, "RETR", {}, &kFlow, {}, false, false, nullptr, "500 OOPS: 500 OOPS: child died"},
        {500, "EPRT", {}, &kFlow, {}, false, false, nullptr, "500 Bad EPRT protocol."},
        {550, "RETR", {}, &kFlow, {}, false, false, nullptr, "550 Failed to open file."},
        {550, "RETR", {}, &kFlow, {}, false, false, nullptr, "550 missing.txt: No such file or directory"},
        {550, "STOR", {}, &kFlow, {}, false, false, nullptr, "550 Permission denied."},
        {553, "STOR", {}, &kFlow, {}, false, false, nullptr, "553 Can't open that file: Permission denied"},
        {234, "AUTH", {}, &kFlow, {}},
        {257, "PWD", 7500.0, &kFlow, {}},
        {550, "SIZE", {}, &kFlow, {}, false, false, &kTypeA, "550 Could not get file size."},
        {550, "DELE", {}, &kFlow, {}, false, false, &kDeleted, "550 Delete operation failed.", {}, "old.log"},
        {500, "ABOR", {}, &kFlow, {}, false, false, nullptr, "500 Unknown command."}};
}

// Data connections that make every data finding.
std::vector<DataChannelEvent> every_data_finding() {
    std::vector<DataChannelEvent> out;
    auto add = [&](bool passive, DataEnd end, std::uint8_t first_octet, DataSide side, bool started) {
        DataChannelEvent d;
        d.passive = passive;
        d.command = "RETR";
        d.listener = Endpoint{IpAddress{4, {first_octet, 0, 0, 2}}, 40001};
        d.opener = Endpoint{IpAddress{4, {203, 0, 113, 5}}, 51000};
        d.end = end;
        d.syns = 3;
        d.closed_by = side;
        d.started = started;
        out.push_back(d);
        return &out.back();
    };
    add(true, DataEnd::unanswered, 198, DataSide::none, false);
    add(true, DataEnd::unanswered, 10, DataSide::none, false);
    add(true, DataEnd::refused, 198, DataSide::server, false);
    add(false, DataEnd::unanswered, 203, DataSide::none, false);
    add(false, DataEnd::refused, 203, DataSide::client, false);
    add(true, DataEnd::rst, 198, DataSide::client, true);
    add(true, DataEnd::rst, 198, DataSide::server, true);
    add(true, DataEnd::fin, 198, DataSide::client, true)->expected_to_client = 100;
    add(true, DataEnd::fin, 198, DataSide::server, true)->expected_to_client = 100;
    add(true, DataEnd::fin, 198, DataSide::server, true)->aborted = true;
    add(true, DataEnd::fin, 198, DataSide::server, true)->announced = Endpoint{IpAddress{4, {10, 0, 0, 2}}, 40001};
    DataChannelEvent* partly = add(true, DataEnd::open_at_session_end, 198, DataSide::none, true);
    partly->expected_to_client = 100;
    partly->final_reply = 226;
    return out;
}

// nDPI's anonymous vsftpd download: a 226, but the capture holds 109440 of
// the 1048576 bytes and never the connection's end.
TEST(DiagnoseData, ADoneTransferTheCaptureHoldsOnlyPartOf) {
    DataChannelEvent d;
    d.command = "RETR";
    d.started = true;
    d.end = DataEnd::open_at_session_end;
    d.bytes_to_client = 109440;
    d.expected_to_client = 1048576;
    d.final_reply = 226;
    auto found = diagnose_data(d, kFlow, SessionContext{}, DiagnosisTexts::builtin());
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].id, "data_partly_captured");
    EXPECT_NE(found[0].message.find("109440 of the 1048576 bytes"), std::string::npos) << found[0].message;
    d.bytes_to_client = 1048576;  // all of it: nothing to say
    EXPECT_TRUE(diagnose_data(d, kFlow, SessionContext{}, DiagnosisTexts::builtin()).empty());
    d.bytes_to_client = 109440;  // no reply yet: the transfer may still be running
    d.final_reply = 0;
    EXPECT_TRUE(diagnose_data(d, kFlow, SessionContext{}, DiagnosisTexts::builtin()).empty());
}

TEST(DiagnosisTexts, EveryFindingHasItsWordsInEveryLanguage) {
    const DiagnosisTexts& english = DiagnosisTexts::builtin();
    for (const Language& l : languages()) {
        SCOPED_TRACE(l.code);
        const DiagnosisTexts& texts = DiagnosisTexts::builtin(l.lang);
        std::vector<Diagnosis> all;
        for (const ReplyFacts& f : every_finding()) {
            for (Diagnosis& d : diagnosed(f, texts)) all.push_back(std::move(d));
        }
        DiagnosisFields fields;
        fields.command = "RETR";
        fields.listener = "198.51.100.7:50001";
        fields.client = "203.0.113.5";
        fields.failures = 5;
        fields.sessions = 2;
        all.push_back(texts.make("data_not_captured", "", fields));  // the annotator's
        all.push_back(texts.make("login_guessing", "", fields));
        fields.code = 425;
        fields.cause = "data_port_blocked (frame 12)";
        all.push_back(texts.make("data_connection_missing", "explained", fields));
        all.push_back(texts.make("transfer_reset", "explained", fields));
        all.push_back(texts.make("transfer_truncated", "explained", fields));
        for (const DataChannelEvent& d : every_data_finding()) {
            for (Diagnosis& x : diagnose_data(d, kFlow, SessionContext{}, texts)) all.push_back(std::move(x));
        }
        SessionContext tls;
        tls.tls_began = Timestamp{100, 0};
        for (std::uint32_t alerts : {0U, 1U}) {
            SessionEndEvent end{CloseReason::fin, {}};
            end.state.tls = TlsMode::explicit_auth;
            end.state.tls_records_to_server = 2;
            end.state.tls_alerts = alerts;
            for (Diagnosis& x : diagnose_end(end, Timestamp{100, 50000}, tls, texts)) all.push_back(std::move(x));
        }
        for (CloseReason why : {CloseReason::fin, CloseReason::rst}) {
            SessionEndEvent silent{why, {}};
            silent.state.commands = 1;
            for (Diagnosis& x : diagnose_end(silent, {}, SessionContext{}, texts)) all.push_back(std::move(x));
        }
        SessionEndEvent waiting{CloseReason::fin, {}};
        waiting.state.commands = 3;
        waiting.state.replies = 1;
        waiting.state.unanswered = 2;
        waiting.state.first_unanswered = "PORT";
        for (Diagnosis& x : diagnose_end(waiting, {}, SessionContext{}, texts)) all.push_back(std::move(x));
        SessionContext non_replies;
        non_replies.non_replies = 1;
        for (const char* after : {"PASV", ""}) {
            non_replies.non_reply_after = after;
            for (Diagnosis& x : diagnose_end({}, {}, non_replies, texts)) all.push_back(std::move(x));
        }
        for (const Diagnosis& d : all) {
            EXPECT_FALSE(d.message.empty() || d.remedy.empty()) << d.id;
            EXPECT_EQ(d.message.find('{'), std::string::npos) << d.message;  // every value filled in
        }
        if (l.lang != Lang::en) {
            // Translated: no English message is left among them.
            for (const auto& [key, e] : english.entries()) {
                EXPECT_NE(texts.entries().at(key).message, e.message) << key.first << " " << key.second;
                EXPECT_EQ(texts.entries().at(key).severity, e.severity);
            }
        }
        // Every row of diagnoses.tsv is made by some finding.
        std::set<std::pair<std::string, Severity>> listed, made;
        for (const auto& [key, e] : english.entries()) listed.insert({e.id, e.severity});
        for (const Diagnosis& d : all) made.insert({std::string(d.id), d.severity});
        EXPECT_EQ(made, listed);
    }
    const auto& login = DiagnosisTexts::builtin(Lang::ja).make("login_failed", "pass", {});
    EXPECT_EQ(login.severity, Severity::error);
    EXPECT_NE(login.message.find("ログイン"), std::string::npos);
    EXPECT_THROW((void)english.make("login_failed", "acct", {}), std::out_of_range);
}

TEST(DiagnosisTexts, MistakesInTheFileNameTheLine) {
    auto error_of = [](std::string_view tsv, bool translation = false) {
        try {
            (void)DiagnosisTexts::parse(tsv, "d.tsv", translation);
        } catch (const KnowledgeError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string head = "id\tvariant\tseverity\tmessage\tremedy\n";
    EXPECT_EQ(error_of(head + "a_b\t\tfatal\tm\tr\n"), "d.tsv:2: severity 'fatal' is not error, warning or info");
    EXPECT_EQ(error_of(head + "a_b\t\terror\tm {nope}\tr\n").substr(0, 20), "d.tsv:2: 'm {nope}':");
    EXPECT_EQ(error_of(head + "a_b\t\terror\tm {seconds:d}\tr\n").substr(0, 25), "d.tsv:2: 'm {seconds:d}':");
    EXPECT_EQ(error_of(head + "a_b\tx\terror\tm\tr\na_b\tx\tinfo\tm\tr\n"), "d.tsv:3: a_b x is listed twice");
    EXPECT_EQ(error_of(head + "A-B\t\terror\tm\tr\n"), "d.tsv:2: id 'A-B' is not snake_case");
    EXPECT_EQ(error_of("id\tvariant\tmessage\tremedy\na_b\t\t{code} m\tr\n", true), "no error");
    DiagnosisTexts texts = DiagnosisTexts::parse(head + "a_b\t\terror\tm\tr\n", "d.tsv");
    EXPECT_THROW(
        texts.translate(DiagnosisTexts::parse("id\tvariant\tmessage\tremedy\nc_d\t\tm\tr\n", "t.tsv", true), "t.tsv"),
        KnowledgeError);
}

}  // namespace
}  // namespace ftpsniff
