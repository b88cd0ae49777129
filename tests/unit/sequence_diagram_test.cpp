// The report's sequence diagrams: the capture's text drawn as sent, never
// as Mermaid syntax; a long session drawn around its failing steps, with
// every step either drawn or counted. Mermaid's own parser checks the
// diagrams of every bundled capture (report.mermaid).
#include "sequence_diagram.hpp"

#include "ftpsniff/escape.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace ftpsniff {
namespace {

std::string mermaid(std::string_view in) {
    std::string out;
    append_mermaid_escaped(out, in);
    return out;
}

TEST(MermaidEscape, WhatMermaidActsOnBecomesEntities) {
    EXPECT_EQ(mermaid("PASS #secret; %%{init: {}}%% <br/> a&b"),
              "PASS #35;secret#59; #37;#37;{init#58; {}}#37;#37; #60;br/#62; a#38;b");
    EXPECT_EQ(mermaid("wrap:x"), "wrap#58;x");
    // Controls as the terminal shows them, so no line break ends a statement.
    EXPECT_EQ(mermaid("a\r\nS->>C: b"), "a\\x0d\\x0aS-#62;#62;C#58; b");
    EXPECT_EQ(mermaid("日本語 ok"), "日本語 ok");
}

// Each line of the diagram's body: one statement.
std::vector<std::string> body(const std::string& diagram) {
    std::vector<std::string> lines;
    std::size_t from = 0;
    for (std::size_t nl; (nl = diagram.find('\n', from)) != std::string::npos; from = nl + 1)
        lines.push_back(diagram.substr(from, nl - from));
    return lines;
}

TEST(SequenceDiagram, HostileTextStaysInItsArrow) {
    SequenceDiagram d;
    d.command("RETR a;b\nS->>C: fake");
    d.reply("550 no #such; file", 1.5, SequenceDiagram::Mark::error);
    d.finding("not_found", "error", SequenceDiagram::Mark::error);
    std::string out;
    d.render(out, Wording(Lang::en), "192.0.2.1:4000", "[2001:db8::1]:21");
    const std::vector<std::string> lines = body(out);
    ASSERT_EQ(lines.size(), 10u) << out;
    EXPECT_EQ(lines[0], "```mermaid");
    EXPECT_EQ(lines[2], "    participant C as Client 192.0.2.1#58;4000");
    EXPECT_EQ(lines[3], "    participant S as Server [2001#58;db8#58;#58;1]#58;21");
    EXPECT_EQ(lines[4], "    C->>S: RETR a#59;b\\x0aS-#62;#62;C#58; fake");
    EXPECT_EQ(lines[5], "    rect rgb(255, 221, 221)");
    EXPECT_EQ(lines[6], "        S-->>C: 550 no #35;such#59; file (1.5 ms)");
    EXPECT_EQ(lines[7], "        Note over C,S: not_found (error)");
    EXPECT_EQ(lines[8], "    end");
    EXPECT_EQ(lines[9], "```");
}

// The data connection's words hold the file name escaped once, as the
// command's arrow shows it: not a second time.
TEST(SequenceDiagram, AFileNameReadsTheSameOnEveryArrow) {
    SequenceDiagram d;
    const std::string name =
        "C:\\tmp\\a\x01"
        "b";
    d.command("RETR " + name);
    d.data(true, false, Wording::command("RETR", name) + ": never opened", "", SequenceDiagram::Mark::error);
    std::string out;
    d.render(out, Wording(Lang::en), "192.0.2.1:4000", "192.0.2.2:21");
    EXPECT_NE(out.find("    C->>S: RETR C#58;\\tmp\\a\\x01b\n"), std::string::npos) << out;
    EXPECT_NE(out.find("        C-xD: RETR C#58;\\tmp\\a\\x01b#58; never opened\n"), std::string::npos) << out;
}

// 300 logins, one refused in the middle: the diagram keeps the start, the
// end and the failing step with the command before it, and counts the rest.
TEST(SequenceDiagram, ALongSessionIsDrawnAroundItsFailingStep) {
    SequenceDiagram d;
    std::size_t steps = 0;
    for (int i = 0; i < 150; ++i) {
        d.command("USER u" + std::to_string(i));
        d.reply(i == 70 ? "530 Login incorrect." : "331 Password required.", 1.0,
                i == 70 ? SequenceDiagram::Mark::error : SequenceDiagram::Mark::none);
        steps += 2;
        if (i == 70) {
            d.finding("login_failed", "error", SequenceDiagram::Mark::error);
            ++steps;
        }
    }
    std::string out;
    d.render(out, Wording(Lang::en), "192.0.2.1:4000", "192.0.2.2:21");
    std::size_t drawn = 0;
    std::size_t counted = 0;
    const std::regex skipped(R"(    Note over C,S: (\d+) steps? not drawn)");
    for (const std::string& l : body(out)) {
        std::smatch m;
        if (std::regex_match(l, m, skipped)) {
            counted += std::stoul(m[1]);
        } else if (l.find("->>") != std::string::npos || l.find("-->>") != std::string::npos ||
                   l.find("Note over") != std::string::npos) {
            ++drawn;
        }
    }
    EXPECT_EQ(drawn + counted, steps) << out;
    EXPECT_LE(drawn, SequenceDiagram::kMostDrawn);
    EXPECT_NE(out.find("C->>S: USER u0\n"), std::string::npos) << out;
    EXPECT_NE(out.find("C->>S: USER u70\n"), std::string::npos) << out;
    EXPECT_NE(out.find("        S-->>C: 530 Login incorrect. (1.0 ms)\n        Note over C,S: login_failed (error)\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("C->>S: USER u149\n"), std::string::npos) << out;
    EXPECT_EQ(out.find("C->>S: USER u100\n"), std::string::npos) << out;
}

// Past kMostSteps, steps are not kept; the end of the diagram counts them.
TEST(SequenceDiagram, StepsPastTheCapAreCounted) {
    SequenceDiagram d;
    for (std::size_t i = 0; i < SequenceDiagram::kMostSteps + 7; ++i) d.command("NOOP");
    std::string out;
    d.render(out, Wording(Lang::en), "192.0.2.1:4000", "192.0.2.2:21");
    const std::size_t first = 6;
    const std::size_t last = 3;  // the last kept
    EXPECT_NE(out.find(fmt::format("Note over C,S: {} steps not drawn\n", SequenceDiagram::kMostSteps - first - last)),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("    C->>S: NOOP\n    Note over C,S: 7 steps not drawn\n```"), std::string::npos) << out;
}

}  // namespace
}  // namespace ftpsniff
