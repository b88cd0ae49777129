// The explanations a support engineer found wrong or generic on real
// captures (issue: "Explanations that are right for this server and this
// command"), each as the server sent it, in the session it came in.
#include "ftpsniff/annotator.hpp"
#include "ftpsniff/output.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ftpsniff {
namespace {

struct Seen {
    std::string name, meaning, remedy, source;
    std::vector<std::string> ids, messages;
    [[nodiscard]] bool says(std::string_view text) const {
        return meaning.find(text) != std::string::npos || remedy.find(text) != std::string::npos;
    }
};

class KeepNotes : public Renderer {
public:
    std::vector<Seen> seen;
    void on(const Event& ev, const Annotation& note) override {
        if (!std::holds_alternative<ReplyEvent>(ev.what)) return;
        Seen s{std::string(note.name),
               std::string(note.meaning),
               std::string(note.remedy),
               std::string(note.source),
               {},
               {}};
        for (const Diagnosis& d : note.diagnoses) {
            s.ids.emplace_back(d.id);
            s.messages.push_back(d.message);
        }
        seen.push_back(std::move(s));
    }
    void summary(const RunSummary& /*run*/) override {}
};

// One session with one server, reply by reply.
class Session {
public:
    explicit Session(std::string_view greeting) {
        auto kept = std::make_unique<KeepNotes>();
        kept_ = kept.get();
        annotator_ = std::make_unique<Annotator>(KnowledgeBase::builtin(), DiagnosisTexts::builtin(),
                                                 ServerMessages::builtin(), std::move(kept));
        reply(std::nullopt, "", std::string(greeting));
    }
    // The reply `line` to `verb` (none: unprompted) with `arg`.
    Seen reply(std::optional<std::string> verb, std::string arg, std::string line) {
        Event ev{{}, {}, ReplyEvent{}};
        ev.flow.id = 1;
        ev.frame = ++frame_;
        auto& r = std::get<ReplyEvent>(ev.what);
        r.reply.code = std::stoi(line.substr(0, 3));
        r.reply.lines = {std::move(line)};
        r.greeting = frame_ == 1;
        r.command = std::move(verb);
        r.argument = std::move(arg);
        annotator_->on(ev);
        return kept_->seen.back();
    }

private:
    KeepNotes* kept_ = nullptr;
    std::unique_ptr<Annotator> annotator_;
    std::uint64_t frame_ = 0;
};

constexpr std::string_view kVsftpd = "220 (vsFTPd 3.0.3)";
constexpr std::string_view kProftpd = "220 ProFTPD Server (Debian) [203.0.113.20]";
constexpr std::string_view kPureFtpd = "220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------";

TEST(Explanations, A504ToTypeNamesTheTypesEveryServerHas) {
    Session s(kProftpd);
    Seen seen = s.reply("TYPE", "X", "504 TYPE not implemented for 'X' parameter");
    EXPECT_TRUE(seen.says("TYPE I") && seen.says("TYPE A")) << seen.remedy;
    EXPECT_FALSE(seen.says("MODE S")) << seen.remedy;
    Session other("220 Welcome");  // no product: the code's entry for TYPE
    seen = other.reply("TYPE", "E", "504 Type not supported.");
    EXPECT_TRUE(seen.says("TYPE I") && seen.says("TYPE A")) << seen.remedy;
}

TEST(Explanations, A504ToOptsIsAboutTheOption) {
    Session s("220 Welcome");
    Seen seen = s.reply("OPTS", "MLST type;size;", "504 Unknown command");
    EXPECT_FALSE(seen.says("MODE S")) << seen.remedy;
    EXPECT_TRUE(seen.says("FEAT")) << seen.remedy;
}

TEST(Explanations, A500ToSiteSendsTheUserToSiteHelp) {
    Session s(kProftpd);
    Seen seen = s.reply("SITE", "UMASK 022", "500 'SITE UMASK' not understood");
    EXPECT_TRUE(seen.says("SITE HELP")) << seen.remedy;
    EXPECT_FALSE(seen.says("extensions the server lists in FEAT")) << seen.remedy;
}

TEST(Explanations, A500ToTypeNamesTheTypesToUse) {
    Session s(kVsftpd);
    Seen seen = s.reply("TYPE", "E", "500 Unrecognised TYPE command.");
    EXPECT_TRUE(seen.says("TYPE I")) << seen.remedy;
    EXPECT_FALSE(seen.says("FEAT")) << seen.remedy;
}

TEST(Explanations, PureFtpdRefusingAnEprtAddressIsNotAnUnknownCommand) {
    Session s(kPureFtpd);
    Seen seen = s.reply("EPRT", "|2|::1%lo|40001|", "500 I won't open a connection to ::1%lo (only to ::1)");
    EXPECT_FALSE(seen.says("extensions the server lists in FEAT")) << seen.remedy;
    EXPECT_TRUE(seen.says("passive")) << seen.remedy;
    EXPECT_EQ(std::count(seen.ids.begin(), seen.ids.end(), "command_unknown"), 0);
}

TEST(Explanations, SizeRefusedInAsciiModeSaysSendTypeI) {
    Session s(kProftpd);
    s.reply("TYPE", "A", "200 Type set to A");
    Seen seen = s.reply("SIZE", "notes.txt", "550 SIZE not allowed in ASCII mode");
    EXPECT_TRUE(seen.says("TYPE I")) << seen.remedy;
    EXPECT_FALSE(seen.says("permissions")) << seen.remedy;
    EXPECT_EQ(seen.ids, std::vector<std::string>{"ascii_mode_refused"});
    // Any server: a SIZE refused under TYPE A names the TYPE as a suspect.
    Session other("220 Welcome");
    other.reply("TYPE", "A", "200 Type set to A");
    seen = other.reply("SIZE", "notes.txt", "550 Cannot do that.");
    ASSERT_EQ(seen.ids, std::vector<std::string>{"ascii_mode_refused"});
    EXPECT_NE(seen.messages[0].find("TYPE A was in effect (set at frame 2)"), std::string::npos) << seen.messages[0];
    other.reply("TYPE", "I", "200 Type set to I");
    EXPECT_TRUE(other.reply("SIZE", "notes.txt", "550 Cannot do that.").ids.empty());
}

TEST(Explanations, A213ToMdtmIsATimeStamp) {
    Session s(kVsftpd);
    Seen seen = s.reply("MDTM", "report.pdf", "213 20070815022252");
    EXPECT_TRUE(seen.says("modification time") && seen.says("UTC")) << seen.meaning;
    EXPECT_FALSE(seen.says("sizes")) << seen.remedy;
}

TEST(Explanations, ProftpdRefusingARestartIsPolicyNotDiskTrouble) {
    Session s(kProftpd);
    Seen seen = s.reply("STOR", "big.iso", "451 big.iso: Append/Restart not permitted, try again");
    EXPECT_TRUE(seen.says("AllowStoreRestart")) << seen.remedy;
    EXPECT_FALSE(seen.says("disk I/O") || seen.says("internal error")) << seen.meaning;
    EXPECT_NE(seen.source.find("ProFTPD"), std::string::npos) << seen.source;
}

TEST(Explanations, ASecondDeleteOfTheSameFileSaysItWasDeleted) {
    Session s(kProftpd);
    s.reply("STOR", "old.log", "226 Transfer complete");
    s.reply("DELE", "old.log", "250 DELE command successful");
    Seen seen = s.reply("DELE", "old.log", "550 old.log: No such file or directory");
    EXPECT_FALSE(seen.says("write_enable")) << seen.remedy;
    ASSERT_EQ(seen.ids, std::vector<std::string>{"not_found"});
    EXPECT_NE(seen.messages[0].find("DELE at frame 3 already deleted"), std::string::npos) << seen.messages[0];
    // Another file, or the same name in another directory, is no repeat.
    EXPECT_EQ(s.reply("DELE", "new.log", "550 new.log: No such file or directory").messages[0].find("already"),
              std::string::npos);
    s.reply("CWD", "archive", "250 CWD command successful");
    EXPECT_EQ(s.reply("DELE", "old.log", "550 old.log: No such file or directory").messages[0].find("already"),
              std::string::npos);
    Session vsftpd(kVsftpd);
    EXPECT_FALSE(vsftpd.reply("DELE", "x", "550 Delete operation failed.").says("write_enable=YES"));
}

TEST(Explanations, A202ThatDeclinesSaysNothingHappened) {
    Session s("220 Welcome");
    Seen seen = s.reply("SITE", "CHMOD 644 a.txt", "202 SITE CHMOD is not supported; nothing done.");
    EXPECT_TRUE(seen.says("nothing was done")) << seen.meaning;
    EXPECT_FALSE(seen.says("harmless no-op")) << seen.remedy;
    seen = s.reply("ALLO", "1000", "202 No storage allocation necessary.");
    EXPECT_TRUE(seen.says("nothing needs fixing") || seen.says("Nothing needs fixing")) << seen.remedy;
}

TEST(Explanations, AnUnprompted421IsTheEndOfTheSession) {
    Session s(kVsftpd);
    Seen seen = s.reply(std::nullopt, "", "421 Timeout.");
    EXPECT_EQ(seen.ids, std::vector<std::string>{"idle_timeout"});
    EXPECT_TRUE(seen.says("idle_session_timeout")) << seen.remedy;
    Session unknown("220 Welcome");
    seen = unknown.reply(std::nullopt, "", "421 Service shutting down.");
    EXPECT_TRUE(seen.says("Reconnect")) << seen.remedy;
    EXPECT_FALSE(seen.says("retry the same command")) << seen.remedy;
}

// Pure-FTPd closes with "Logout." under the code of its previous reply.
TEST(Explanations, PureFtpdLogoutCarriesNoCodeOfItsOwn) {
    Session s(kPureFtpd);
    s.reply("PASV", "", "227 Entering Passive Mode (203,0,113,20,156,65)");
    Seen seen = s.reply(std::nullopt, "", "227 Logout.");
    EXPECT_TRUE(seen.says("the code means nothing")) << seen.meaning;
    Session other("220 Welcome");  // another server's 221 Logout. keeps its code's meaning
    EXPECT_FALSE(other.reply("QUIT", "", "221 Logout.").says("the code means nothing"));
}

TEST(Explanations, OneNameWhateverTheCommand) {
    Session s(kVsftpd);
    EXPECT_EQ(s.reply("USER", "ftp", "331 Please specify the password.").name, "User name okay, need password");
    EXPECT_EQ(s.reply("PASS", "****", "530 Login incorrect.").name, "Not logged in");
    EXPECT_EQ(s.reply("RETR", "x", "530 Please login with USER and PASS.").name, "Not logged in");
}

}  // namespace
}  // namespace ftpsniff
