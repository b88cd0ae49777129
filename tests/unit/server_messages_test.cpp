#include "ftpsniff/server_messages.hpp"

#include "ftpsniff/diagnosis_texts.hpp"
#include "ftpsniff/knowledge.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>

namespace ftpsniff {
namespace {

const std::string kHeader = "code\ttext\tafter\tproduct\tid\tvariant\tsettings\tmeaning\tremedy\tsource\n";

std::string error_of(const std::string& text) {
    try {
        (void)ServerMessages::parse(text, "site.tsv");
    } catch (const KnowledgeError& e) {
        return e.what();
    }
    return "no error";
}

TEST(ServerMessages, ErrorsNameFileAndLine) {
    EXPECT_EQ(error_of(kHeader + "55\tx\t*\t*\t\t\t\tm\tr\ts\n"), "site.tsv:2: code '55' is not three digits");
    EXPECT_EQ(error_of(kHeader + "550\tx\tretr\t*\t\t\t\tm\tr\ts\n"),
              "site.tsv:2: after 'retr' is not a verb, login, path or *");
    EXPECT_EQ(error_of(kHeader + "550\tx\t*\t*\t\t\t\t\tr\ts\n"),
              "site.tsv:2: text, product, meaning, remedy and source must not be empty");
    EXPECT_EQ(error_of(kHeader + "550\tx\t*\t*\t\tv\t\tm\tr\ts\n"), "site.tsv:2: a variant or settings needs an id");
}

TEST(ServerMessages, TheMostSpecificEntryWins) {
    auto table = ServerMessages::parse(kHeader +
                                           "421\tTimeout\t*\t*\tidle_timeout\t\t\tany\tr\ts\n"
                                           "421\tTimeout (no new data for\t*\tPure-FTPd\tdata_timeout\t\t\tpure\tr\ts\n"
                                           "421\t^Bye\t*\tvsftpd\t\t\t\tbye\tr\ts\n"
                                           "550\tPermission denied\tpath\t*\t\t\t\tstrerror\tr\ts\n"
                                           "550\tPermission denied\tRETR\tvsftpd\t\t\t\tvsftpd\tr\ts\n"
                                           "530\tLogin incorrect.\tPASS\tvsftpd\t\t\t\tvsftpd\tr\ts\n"
                                           "530\tLogin incorrect.\tPASS\tProFTPD\t\t\t\tproftpd\tr\ts\n",
                                       "t.tsv");
    auto meaning = [&](int code, std::string_view verb, std::string_view text, const char* product = nullptr) {
        const std::string p = product == nullptr ? "" : product;
        auto m = table.match(code, verb, text, product == nullptr ? nullptr : &p);
        return m ? m->message->meaning : std::string("none");
    };
    EXPECT_EQ(meaning(421, "", "Timeout."), "any");
    EXPECT_EQ(meaning(421, "", "Timeout (no new data for 300 seconds)"), "pure");           // longer
    EXPECT_EQ(meaning(421, "", "Timeout (no new data for 300 seconds)", "vsftpd"), "any");  // not Pure-FTPd's
    EXPECT_EQ(meaning(421, "", "Bye now"), "bye");
    EXPECT_EQ(meaning(421, "", "Say Bye"), "none");                         // anchored at the start
    EXPECT_EQ(meaning(550, "RETR", "a.txt: Permission denied"), "vsftpd");  // the server's own first
    EXPECT_EQ(meaning(550, "RETR", "a.txt: Permission denied", "ProFTPD"), "strerror");
    EXPECT_EQ(meaning(550, "DELE", "a.txt: Permission denied"), "strerror");  // path, not RETR only
    EXPECT_EQ(meaning(550, "PASV", "a.txt: Permission denied"), "none");
    EXPECT_EQ(meaning(553, "RETR", "a.txt: Permission denied"), "none");  // another code
    // Words two products send say neither's meaning from a server not identified.
    EXPECT_EQ(meaning(530, "PASS", "Login incorrect."), "none");
    EXPECT_EQ(meaning(530, "PASS", "Login incorrect.", "ProFTPD"), "proftpd");
}

TEST(ServerMessages, FindTakesAWholeReplyLine) {
    const auto& table = ServerMessages::builtin();
    auto found = table.find("451 big.iso: Append/Restart not permitted, try again");
    ASSERT_FALSE(found.empty());
    EXPECT_EQ(found[0]->product, "ProFTPD");
    EXPECT_TRUE(table.find("45").empty());
    EXPECT_TRUE(table.find("abc Append/Restart not permitted").empty());
}

// The table the issue asked for: at least 150 of the servers' own messages,
// each with its source, for every product whose source or documentation
// could be read.
TEST(ServerMessages, BuiltinIsLargeAndSourced) {
    const auto& table = ServerMessages::builtin();
    EXPECT_GE(table.entries().size(), 150u);
    std::map<std::string, int> per_product;
    std::set<std::tuple<int, std::string, std::string, std::string>> keys;
    for (const ServerMessage& m : table.entries()) {
        ++per_product[m.product];
        EXPECT_TRUE(keys.emplace(m.code, m.text, m.after, m.product).second) << m.code << " " << m.text;
        EXPECT_FALSE(m.source.empty()) << m.text;
        // The text is what follows the code, never the code again.
        EXPECT_FALSE(std::regex_search(m.text, std::regex("^[0-9]{3}[ -]"))) << m.text;
    }
    for (const char* p : {"vsftpd", "ProFTPD", "Pure-FTPd", "FileZilla Server", "Microsoft IIS", "wu-ftpd"}) {
        EXPECT_GT(per_product[p], 0) << p;
    }
}

// A message's diagnosis gets the reply's code, verb and text and the
// server's settings, nothing else: its words must need nothing more.
TEST(ServerMessages, EveryDiagnosisTheyNameIsOneTheyCanFillIn) {
    const auto& texts = DiagnosisTexts::builtin();
    for (const ServerMessage& m : ServerMessages::builtin().entries()) {
        if (m.id.empty()) continue;
        SCOPED_TRACE(m.text);
        // Whether a verb exists is the command table's to say: "500 Unknown
        // command." also answers a known verb the server refuses in its state.
        EXPECT_NE(m.id, "command_unknown");
        auto it = texts.entries().find({m.id, m.variant});
        ASSERT_NE(it, texts.entries().end()) << m.id << " " << m.variant;
        const std::string words = it->second.message + it->second.remedy;
        std::set<std::string> names;
        static const std::regex kField("\\{([a-z_]+)");
        for (std::sregex_iterator i(words.begin(), words.end(), kField), e; i != e; ++i) {
            names.insert((*i)[1]);
        }
        for (const std::string& n : names) {
            EXPECT_TRUE(n == "code" || n == "command" || n == "error" || n == "settings") << n;
        }
        EXPECT_EQ(names.contains("settings"), !m.settings.empty());
    }
}

TEST(ServerMessages, EveryEntryIsTranslated) {
    const auto& english = ServerMessages::builtin().entries();
    for (const Language& l : languages()) {
        if (l.lang == Lang::en) continue;
        SCOPED_TRACE(l.code);
        const auto& other = ServerMessages::builtin(l.lang).entries();
        ASSERT_EQ(other.size(), english.size());
        for (std::size_t i = 0; i < english.size(); ++i) {
            EXPECT_NE(other[i].meaning, english[i].meaning) << english[i].text;
            EXPECT_NE(other[i].remedy, english[i].remedy) << english[i].text;
            EXPECT_EQ(other[i].source, english[i].source);
        }
    }
}

TEST(ServerMessages, TranslationsNameTheirEntries) {
    ServerMessages table = ServerMessages::builtin();
    EXPECT_THROW(table.translate("code\ttext\tafter\tproduct\tmeaning\tremedy\n599\tNo such\t*\t*\tm\tr\n", "ja.tsv"),
                 KnowledgeError);
}

}  // namespace
}  // namespace ftpsniff
