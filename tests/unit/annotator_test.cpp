#include "ftpsniff/annotator.hpp"
#include "ftpsniff/output.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ftpsniff {
namespace {

// Keeps the summary it is handed; drops everything else.
class SummaryKeeper : public Renderer {
public:
    explicit SummaryKeeper(RunSummary& out) : out_(out) {}
    void on(const Event& /*ev*/, const Annotation& /*note*/) override {}
    void summary(const RunSummary& run) override {
        out_.errors = run.errors;
        out_.anomalies = run.anomalies;
        out_.logins_ok = run.logins_ok;
        out_.logins_failed = run.logins_failed;
        out_.logins_refused = run.logins_refused;
    }

private:
    RunSummary& out_;
};

// Keeps the diagnoses' ids of every event, and the last one's message.
class DiagnosisIds : public Renderer {
public:
    std::vector<std::vector<std::string>> ids;
    std::string last_message;
    std::uint64_t last_frame = 0;  // the verdict's, at a session's end
    void on(const Event& /*ev*/, const Annotation& note) override {
        auto& one = ids.emplace_back();
        for (const Diagnosis& d : note.diagnoses) {
            one.emplace_back(d.id);
            last_message = d.message;
        }
        if (note.verdict != nullptr) last_frame = note.verdict->frame;
    }
    void summary(const RunSummary& /*run*/) override {}
};

// The fifth failed login from one address adds login_guessing to a reply
// whose diagnoses are being read: a slow 530 has two already.
TEST(Annotator, GuessingIsAddedToASlowFailedLogin) {
    auto kept = std::make_unique<DiagnosisIds>();
    DiagnosisIds& seen = *kept;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::move(kept));
    Event ev{{}, {}, ReplyEvent{}};
    auto& r = std::get<ReplyEvent>(ev.what);
    r.reply.code = 530;
    r.command = "PASS";
    r.latency_ms = 6000.0;
    for (std::uint64_t session = 1; session <= 5; ++session) {
        ev.flow.id = session;
        annotator.on(ev);
    }
    ASSERT_EQ(seen.ids.size(), 5u);
    EXPECT_EQ(seen.ids[3], (std::vector<std::string>{"login_failed", "slow_reply"}));
    EXPECT_EQ(seen.ids[4], (std::vector<std::string>{"login_failed", "slow_reply", "login_guessing"}));
}

// Keeps what each session's end says of the server software.
class SoftwareAtEnd : public Renderer {
public:
    std::vector<std::string> seen;
    void on(const Event& ev, const Annotation& note) override {
        if (!std::holds_alternative<SessionEndEvent>(ev.what)) return;
        const ServerSoftware* s = note.software;
        seen.push_back(s == nullptr ? "unknown"
                                    : s->product + " " + s->version + " from " + std::string(clue_name(s->clue)));
    }
    void summary(const RunSummary& /*run*/) override {}
};

// The greeting outranks the reply to SYST, which outranks a reply's wording;
// what a session showed is forgotten at its end.
TEST(Annotator, ServerSoftwareKeepsTheStrongestClue) {
    auto kept = std::make_unique<SoftwareAtEnd>();
    SoftwareAtEnd& ends = *kept;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::move(kept));
    auto reply = [&](std::uint64_t session, int code, std::optional<std::string> command, std::string line) {
        Event ev{{}, {}, ReplyEvent{}};
        ev.flow.id = session;
        auto& r = std::get<ReplyEvent>(ev.what);
        r.reply.code = code;
        r.reply.lines = {std::move(line)};
        r.greeting = !command;
        r.command = std::move(command);
        annotator.on(ev);
    };
    auto end = [&](std::uint64_t session) {
        Event ev{{}, {}, SessionEndEvent{}};
        ev.flow.id = session;
        annotator.on(ev);
    };
    reply(1, 220, std::nullopt, "220 (vsFTPd 3.0.3)");
    reply(1, 215, "SYST", "215 UNIX emulated by FileZilla.");
    reply(2, 220, std::nullopt, "220 Welcome.");
    reply(2, 500, "SITE", "500 OOPS: child died");
    end(2);
    reply(3, 220, std::nullopt, "220 Welcome.");
    reply(3, 500, "SITE", "500 OOPS: child died");
    reply(3, 215, "SYST", "215 Windows_NT");
    reply(3, 500, "SITE", "500 SITE not understood");
    end(1);
    end(3);
    end(1);
    EXPECT_EQ(ends.seen, (std::vector<std::string>{"vsftpd  from reply", "vsftpd 3.0.3 from greeting",
                                                   "Microsoft IIS  from syst", "unknown"}));
}

// What a 425 is blamed on follows the session: its data connection set up
// and used, or a gap that may hide the PASV.
TEST(Annotator, SessionHistoryDecidesWhatA425IsBlamedOn) {
    struct Messages : Renderer {
        std::vector<std::string> seen;
        void on(const Event& /*ev*/, const Annotation& note) override {
            for (const Diagnosis& d : note.diagnoses) seen.push_back(std::string(d.id) + ": " + d.message);
        }
        void summary(const RunSummary& /*run*/) override {}
    };
    auto kept = std::make_unique<Messages>();
    Messages& got = *kept;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::move(kept));
    FlowInfo flow{1, {}, {}, true, {}};
    auto send = [&](EventKind what) { annotator.on(Event{flow, {}, std::move(what)}); };
    auto reply = [&](int code, std::string command) {
        ReplyEvent r;
        r.reply.code = code;
        r.command = std::move(command);
        send(r);
    };
    send(SessionStartEvent{});
    reply(227, "PASV");
    reply(150, "RETR");
    reply(226, "RETR");
    reply(425, "RETR");  // the PASV's connection was used: none left
    reply(227, "PASV");
    reply(425, "LIST");  // the client did not get through to it
    flow.id = 2;
    send(SessionStartEvent{});
    send(GapEvent{Direction::to_server, 100});
    reply(425, "RETR");  // the gap may hold a PASV: no cause claimed
    ASSERT_EQ(got.seen.size(), 3u);
    EXPECT_TRUE(got.seen[0].starts_with("no_data_mode: RETR came after")) << got.seen[0];
    EXPECT_TRUE(
        got.seen[1].starts_with("data_connection_missing: the data connection for LIST was not made: in "
                                "passive mode"))
        << got.seen[1];
    EXPECT_EQ(got.seen[2], "data_connection_missing: the server could not open the data connection");
}

// The FEAT reply's list is the evidence for an unknown command, in any case.
TEST(Annotator, FeatListTellsAnUnknownCommandFromARefusedOne) {
    struct Messages : Renderer {
        std::vector<std::string> seen;
        void on(const Event& /*ev*/, const Annotation& note) override {
            for (const Diagnosis& d : note.diagnoses) seen.push_back(d.message);
        }
        void summary(const RunSummary& /*run*/) override {}
    };
    auto kept = std::make_unique<Messages>();
    Messages& got = *kept;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::move(kept));
    FlowInfo flow{1, {}, {}, true, {}};
    auto reply = [&](int code, std::string command, ReplyLines lines) {
        ReplyEvent r;
        r.reply.code = code;
        r.reply.lines = std::move(lines);
        r.command = std::move(command);
        annotator.on(Event{flow, {}, r});
    };
    reply(211, "FEAT", {"211-Features:", " eprt", " MDTM", " REST STREAM", "211 End"});
    reply(502, "EPRT", {"502 Not now."});
    reply(502, "MLSD", {"502 Unknown command."});
    ASSERT_EQ(got.seen.size(), 2u);
    EXPECT_TRUE(got.seen[0].starts_with("the server refused EPRT although its FEAT reply lists it")) << got.seen[0];
    EXPECT_TRUE(got.seen[1].starts_with("MLSD is not among the extensions")) << got.seen[1];
}

// The summary counts a login the server's policy refused apart from one
// refused for its credentials.
TEST(Annotator, LoginsRefusedByPolicyAreNoFailedLogins) {
    RunSummary seen;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::make_unique<SummaryKeeper>(seen));
    auto session = [&](std::uint64_t id, std::string verb, std::string line) {
        FlowInfo flow{id, {}, {}, true, {}};
        ReplyEvent r;
        r.reply.code = 530;
        r.reply.lines = {std::move(line)};
        r.command = std::move(verb);
        annotator.on(Event{flow, {}, r});
        SessionEndEvent end;
        end.state.login = LoginState::failed;
        annotator.on(Event{flow, {}, end});
    };
    session(1, "USER", "530 This FTP server is anonymous only.");
    session(2, "PASS", "530 Login incorrect.");
    session(3, "PASS", "530 Non-anonymous sessions must use encryption.");
    RunSummary run;
    annotator.summary(run);
    EXPECT_EQ(seen.logins_failed, 1u);
    EXPECT_EQ(seen.logins_refused, 2u);
}

// Zeek's ftp-invalid-reply-code.pcap: "99 PASV invalid" answers PASV. The
// session's end names the lines the server sent that are no FTP replies.
TEST(Annotator, LinesThatAreNoRepliesAreAFindingAtTheSessionEnd) {
    auto kept = std::make_unique<DiagnosisIds>();
    DiagnosisIds& seen = *kept;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::move(kept));
    FlowInfo flow{1, {}, {}, true, {}};
    auto line = [&](std::uint64_t frame, std::string text, UnparsedReason why, std::optional<std::string> command) {
        UnparsedEvent u;
        u.dir = Direction::to_client;
        u.line = std::move(text);
        u.reason = why;
        u.command = std::move(command);
        annotator.on(Event{flow, {}, u, frame});
    };
    line(16, "99 PASV invalid", UnparsedReason::not_a_reply, "PASV");
    line(17, "tail of a line", UnparsedReason::fragment_after_gap,
         std::nullopt);  // the capture's loss, not the server's
    line(18, "junk", UnparsedReason::not_a_reply, std::nullopt);
    annotator.on(Event{flow, {}, SessionEndEvent{}, 22});
    ASSERT_EQ(seen.ids.size(), 4u);
    EXPECT_EQ(seen.ids.back(), std::vector<std::string>{"not_ftp_replies"});
    EXPECT_EQ(seen.last_frame, 16u);  // the line's frame, not the session end's
    EXPECT_EQ(seen.last_message,
              "the server sent 2 line(s) outside any reply that are not FTP reply lines (RFC 959 §4.2: three digits, "
              "then a space or a hyphen), the first at frame 16 in place of the answer to PASV: '99 PASV invalid'");
}

TEST(Annotator, ErrorCountsStayBoundedAndKeepTheFrequentPairs) {
    RunSummary seen;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::make_unique<SummaryKeeper>(seen));
    Event ev{{}, {}, ReplyEvent{}};
    ev.flow.id = 1;
    auto& r = std::get<ReplyEvent>(ev.what);
    auto answer = [&](int code, const std::string& verb) {
        r.reply.code = code;
        r.command = verb;
        annotator.on(ev);
    };
    for (int i = 0; i < 50; ++i) answer(550, "RETR");
    for (int i = 0; i < 100000; ++i) {
        answer(500, "X" + std::to_string(i));  // each verb once
        if (i % 1000 == 0) answer(530, "PASS");
    }
    RunSummary run;
    annotator.summary(run);
    EXPECT_LE(seen.errors.size(), 1024u);
    EXPECT_GT(seen.anomalies.get(BudgetAnomaly::memory_cap_hit), 0u);
    auto top = top_errors(seen, 2);
    ASSERT_EQ(top.size(), 2u);
    EXPECT_EQ(top[0].code, 530);
    EXPECT_EQ(top[0].count, 100u);
    EXPECT_EQ(top[1].code, 550);
    EXPECT_EQ(top[1].count, 50u);
}

TEST(Annotator, FewErrorPairsAreAllCountedWithNoAnomaly) {
    RunSummary seen;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::make_unique<SummaryKeeper>(seen));
    Event ev{{}, {}, ReplyEvent{}};
    auto& r = std::get<ReplyEvent>(ev.what);
    r.reply.code = 550;
    for (int i = 0; i < 1000; ++i) {
        r.command = "V" + std::to_string(i);
        annotator.on(ev);
    }
    RunSummary run;
    annotator.summary(run);
    EXPECT_EQ(seen.errors.size(), 1000u);
    EXPECT_EQ(seen.anomalies.get(BudgetAnomaly::memory_cap_hit), 0u);
}

}  // namespace
}  // namespace ftpsniff

namespace ftpsniff {
namespace {

// Keeps each event's diagnoses and each session end's verdict.
struct Verdicts : Renderer {
    std::vector<std::string> seen;
    std::vector<std::string> verdicts;
    RunSummary run;
    void on(const Event& /*ev*/, const Annotation& note) override {
        for (const Diagnosis& d : note.diagnoses)
            seen.push_back(std::string(d.id) + " " + std::string(severity_name(d.severity)));
        if (note.verdict != nullptr) {
            verdicts.push_back(note.verdict->worst ? std::string(note.verdict->id) : "healthy");
        }
    }
    void summary(const RunSummary& r) override { run.diagnoses = r.diagnoses; }
};

struct Session {
    Annotator& annotator;
    FlowInfo flow{1, {IpAddress{4, {198, 51, 100, 7}}, 50000}, {IpAddress{4, {203, 0, 113, 9}}, 21}, true, {}};
    std::uint64_t frame = 0;
    void send(EventKind what) { annotator.on(Event{flow, {}, std::move(what), ++frame}); }
    void reply(int code, std::string command, std::string line = "") {
        ReplyEvent r;
        r.reply.code = code;
        r.command = std::move(command);
        if (!line.empty()) r.reply.lines.push_back(line);
        send(r);
    }
    void data(DataEnd end, DataSide side, bool started, int final_reply = 0, std::uint64_t final_frame = 0) {
        DataChannelEvent d;
        d.final_reply = final_reply;
        d.final_frame = final_frame;
        d.command = "RETR";
        d.listener = {IpAddress{4, {203, 0, 113, 9}}, 40001};
        d.opener = flow.client;
        d.end = end;
        d.syns = 3;
        d.closed_by = side;
        d.started = started;
        send(d);
    }
};

TEST(AnnotatorCauses, A425AfterUnansweredSynsNamesThemAndTheVerdictIsTheirs) {
    auto kept = std::make_unique<Verdicts>();
    Verdicts& got = *kept;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::move(kept));
    Session s{annotator};
    s.send(SessionStartEvent{});
    s.reply(227, "PASV");
    s.data(DataEnd::unanswered, DataSide::none, false);  // frame 3
    s.reply(425, "RETR");
    s.send(SessionEndEvent{});
    RunSummary run;
    annotator.summary(run);
    EXPECT_EQ(got.seen, (std::vector<std::string>{"data_port_blocked error", "data_connection_missing info"}));
    EXPECT_EQ(got.verdicts, std::vector<std::string>{"data_port_blocked"});
    EXPECT_EQ(got.run.diagnoses.at("data_port_blocked").explains, 1U);
}

// The tracker holds a reset that precedes its transfer's reply and hands
// it on with that reply's code, just before the reply.
TEST(AnnotatorCauses, AResetBeforeTheReplyThatNamesTheCauseIsItsEffect) {
    auto kept = std::make_unique<Verdicts>();
    Verdicts& got = *kept;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::move(kept));
    Session s{annotator};
    s.send(SessionStartEvent{});
    s.reply(220, "", "220 (vsFTPd 3.0.3)");
    s.send(CommandEvent{"STOR", "big.bin", false, false});
    s.reply(150, "STOR");
    s.data(DataEnd::rst, DataSide::server, true, 451, s.frame + 2);
    s.reply(451, "STOR", "451 Failure writing to local file.");
    s.send(SessionEndEvent{});
    RunSummary run;
    annotator.summary(run);
    EXPECT_EQ(got.seen, (std::vector<std::string>{"transfer_reset info", "disk_full error"}));
    EXPECT_EQ(got.verdicts, std::vector<std::string>{"disk_full"});
    EXPECT_EQ(got.run.diagnoses.at("disk_full").explains, 1U);
}

TEST(AnnotatorCauses, AResetAfterTheReplyThatNamedTheCauseIsExplained) {
    auto kept = std::make_unique<Verdicts>();
    Verdicts& got = *kept;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::move(kept));
    Session s{annotator};
    s.send(SessionStartEvent{});
    s.send(CommandEvent{"STOR", "big.bin", false, false});
    s.reply(150, "STOR");
    s.reply(451, "STOR", "451 Failure writing to local file.");
    const std::uint64_t reply_frame = s.frame;
    s.data(DataEnd::rst, DataSide::server, true, 451, reply_frame);
    s.send(CommandEvent{"RETR", "other.bin", false, false});
    s.data(DataEnd::rst, DataSide::server, true);  // no reply yet says why: an error of its own
    s.send(SessionEndEvent{});
    RunSummary run;
    annotator.summary(run);
    EXPECT_EQ(got.seen, (std::vector<std::string>{"disk_full error", "transfer_reset info", "transfer_reset error"}));
    EXPECT_EQ(got.verdicts, std::vector<std::string>{"disk_full"});
    EXPECT_EQ(got.run.diagnoses.at("disk_full").explains, 1U);
}

TEST(AnnotatorCauses, AResetAfterACompletedTransferIsNoFinding) {
    auto kept = std::make_unique<Verdicts>();
    Verdicts& got = *kept;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::move(kept));
    Session s{annotator};
    s.send(SessionStartEvent{});
    s.send(CommandEvent{"LIST", "", false, false});
    s.reply(150, "LIST");
    s.data(DataEnd::rst, DataSide::client, true, 226, s.frame + 1);
    s.reply(226, "LIST");
    s.send(CommandEvent{"STOR", "f", false, false});
    s.reply(451, "STOR", "451 Failure writing to local file.");
    s.send(SessionEndEvent{});
    RunSummary run;
    annotator.summary(run);
    EXPECT_EQ(got.seen, std::vector<std::string>{"disk_full error"});
    EXPECT_EQ(got.run.diagnoses.at("disk_full").explains, 0U);
}

TEST(AnnotatorCauses, FindingsCountDistinctSessionsWhenSessionsInterleave) {
    auto kept = std::make_unique<Verdicts>();
    Verdicts& got = *kept;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::move(kept));
    Session a{annotator};
    Session b{annotator};
    b.flow.id = 2;
    a.send(SessionStartEvent{});
    b.send(SessionStartEvent{});
    for (int i = 0; i < 3; ++i) {
        a.reply(530, "PASS", "530 Login incorrect.");
        b.reply(530, "PASS", "530 Login incorrect.");
    }
    RunSummary run;
    annotator.summary(run);
    EXPECT_EQ(got.run.diagnoses.at("login_failed").count, 6U);
    EXPECT_EQ(got.run.diagnoses.at("login_failed").sessions, 2U);
}

TEST(AnnotatorCauses, OnlyInfoIsHealthy) {
    auto kept = std::make_unique<Verdicts>();
    Verdicts& got = *kept;
    Annotator annotator(KnowledgeBase::builtin(), DiagnosisTexts::builtin(), ServerMessages::builtin(),
                        std::move(kept));
    Session s{annotator};
    s.send(SessionStartEvent{});
    s.reply(234, "AUTH");
    s.send(SessionEndEvent{});
    EXPECT_EQ(got.seen, std::vector<std::string>{"tls_started info"});
    EXPECT_EQ(got.verdicts, std::vector<std::string>{"healthy"});
}

}  // namespace
}  // namespace ftpsniff
