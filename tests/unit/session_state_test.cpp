#include "ftpsniff/session_state.hpp"

#include <gtest/gtest.h>

namespace ftpsniff {
namespace {

void answer(SessionState& s, std::string_view verb, std::string_view arg, std::string line) {
    Reply r{std::stoi(line.substr(0, 3)), {line}, true, false};
    s.on_final_reply(verb, arg, r);
}

TEST(SessionState, LoginOutcome) {
    SessionState s;
    answer(s, "USER", "anna", "331 Password required");
    EXPECT_EQ(s.login, LoginState::user_sent);
    answer(s, "PASS", "x", "530 Login incorrect.");
    EXPECT_EQ(s.login, LoginState::failed);
    answer(s, "USER", "anna", "331 Password required");
    answer(s, "PASS", "y", "230 Logged in.");
    EXPECT_EQ(s.login, LoginState::logged_in);
    EXPECT_EQ(s.user, "anna");
    EXPECT_EQ(login_state_name(s.login), "ok");
    // A change of user the server refuses leaves the login as it was.
    answer(s, "USER", "bert", "530 Can't change to another user.");
    EXPECT_EQ(s.login, LoginState::logged_in);
    EXPECT_EQ(s.user, "anna");
}

// The file a command names, as the JSON's "path": only for commands that
// name one, and only once the directory is known.
TEST(SessionState, PathOfACommandsArgument) {
    SessionState s;
    EXPECT_FALSE(s.path_of("RETR", "a.txt"));
    EXPECT_EQ(s.path_of("RETR", "/pub/a.txt"), "/pub/a.txt");
    answer(s, "PWD", "", "257 \"/home/anna\" is the current directory");
    EXPECT_EQ(s.path_of("RETR", "a.txt"), "/home/anna/a.txt");
    EXPECT_EQ(s.path_of("DELE", "../bert/b"), "/home/bert/b");
    EXPECT_EQ(s.path_of("CWD", "sub"), "/home/anna/sub");
    EXPECT_EQ(s.path_of("LIST", "docs"), "/home/anna/docs");
    EXPECT_FALSE(s.path_of("LIST", "-la"));  // options, not a name
    EXPECT_FALSE(s.path_of("LIST", ""));
    EXPECT_FALSE(s.path_of("TYPE", "I"));
    EXPECT_FALSE(s.path_of("USER", "anna"));
}

TEST(SessionState, WorkingDirectoryFromPwdAndCwd) {
    SessionState s;
    answer(s, "CWD", "pub", "250 OK");
    EXPECT_FALSE(s.cwd);  // relative to a directory nobody named yet
    answer(s, "PWD", "", "257 \"/home/an\"\"na\" is the current directory");
    EXPECT_EQ(s.cwd, "/home/an\"na");
    answer(s, "CWD", "../pub/./x", "250 OK");
    EXPECT_EQ(s.cwd, "/home/pub/x");
    answer(s, "CDUP", "", "250 OK");
    EXPECT_EQ(s.cwd, "/home/pub");
    answer(s, "CWD", "/", "250 OK");
    answer(s, "CDUP", "", "200 OK");
    EXPECT_EQ(s.cwd, "/");
    answer(s, "CWD", "nope", "550 No such directory");
    EXPECT_EQ(s.cwd, "/");
    answer(s, "PWD", "", "257 \"+\" is the current directory");  // not a Unix path (found by fuzz_stream)
    answer(s, "CDUP", "", "250 OK");
    EXPECT_FALSE(s.cwd);
    answer(s, "PWD", "", "257 \"\" is the current directory");  // empty (found by fuzz_stream)
    answer(s, "CWD", "x", "250 OK");
    EXPECT_FALSE(s.cwd);
}

TEST(SessionState, TypeRestAndRename) {
    SessionState s;
    answer(s, "TYPE", "i", "200 Switching to Binary mode.");
    EXPECT_EQ(s.type, "I");
    answer(s, "REST", "1048576", "350 Restart position accepted.");
    EXPECT_EQ(s.rest_offset, 1048576u);
    answer(s, "RETR", "big.iso", "226 Done");
    EXPECT_FALSE(s.rest_offset);
    answer(s, "RNFR", "a", "350 Ready for RNTO.");
    EXPECT_EQ(s.rename_from, "a");
    answer(s, "RNTO", "b", "250 Rename successful.");
    EXPECT_FALSE(s.rename_from);
}

TEST(SessionState, QuotedPath) {
    EXPECT_EQ(quoted_path("\"/\" is the current directory"), "/");
    EXPECT_EQ(quoted_path("MKD \"a \"\"b\"\"\" created"), "a \"b\"");
    EXPECT_FALSE(quoted_path("no quotes"));
    EXPECT_FALSE(quoted_path("\"unterminated"));
}

}  // namespace
}  // namespace ftpsniff
