#include "leak_cases.hpp"

namespace ftpsniff::test {

namespace {

const Endpoint kClient = endpoint("192.0.2.10", 40000);
const Endpoint kServer = endpoint("198.51.100.21", 21);

// A session up to the server's request for the password.
Conversation asked_for_password(PcapWriter& w) {
    Conversation c(kClient, kServer);
    w.add(c.handshake());
    w.add(c.server("220 ready\r\n"));
    w.add(c.client("USER alice\r\n"));
    w.add(c.server("331 Please specify the password.\r\n"));
    return c;
}

// What follows a login: a command, its reply and the close, with the
// server's acknowledgements, so a hole before them becomes a gap.
void carry_on(PcapWriter& w, Conversation& c) {
    w.add(c.server("230 Login successful.\r\n"));
    w.add(c.client("PWD\r\n"));
    w.add(c.server("257 \"/\" is the current directory\r\n"));
    w.add(c.close());
}

LeakCase make(std::string name, std::vector<std::string> secrets) {
    return LeakCase{std::move(name), PcapWriter(1), std::move(secrets)};
}

}  // namespace

std::vector<LeakCase> password_cases() {
    std::vector<LeakCase> cases;

    {  // "PASS s3cret" and then a hole: the end of the line is lost.
        LeakCase k = make("pass line cut by a gap", {"CutSecret1"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("PASS CutSecret1"));
        (void)c.client("more\r\n");  // lost
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // The start of the line is lost; its tail comes.
        LeakCase k = make("tail of a pass line after a gap", {"TailSecret2"});
        Conversation c = asked_for_password(k.capture);
        (void)c.client("PASS ab");  // lost
        k.capture.add(c.client("TailSecret2\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // The capture begins inside the PASS line.
        LeakCase k = make("capture starts inside a pass line", {"StartSecret3"});
        Conversation c(kClient, kServer);
        (void)c.handshake();
        (void)c.client("USER alice\r\nPASS ab");
        k.capture.add(c.client("StartSecret3\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // The capture begins with the tail of the PASS line; its head comes next.
        LeakCase k = make("capture starts with the tail, its head reordered after it", {"HeadTail17"});
        Conversation c(kClient, kServer);
        (void)c.handshake();
        (void)c.client("USER alice\r\n");
        Packet head = c.client("PASS HeadTa");
        Packet tail = c.client("il17\r\n");
        k.capture.add(tail);
        k.capture.add(head);
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {
        LeakCase k = make("leading blanks and a tab separator", {"SpaceSecret4", "TabSecret5", "SepSecret6"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client(" PASS SpaceSecret4\r\n"));
        k.capture.add(c.server("530 Login incorrect.\r\n"));
        k.capture.add(c.client("\tpass TabSecret5\r\n"));
        k.capture.add(c.server("530 Login incorrect.\r\n"));
        k.capture.add(c.client("PASS\tSepSecret6\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // A Telnet NOP inside the verb: the server removes it, so must we.
        LeakCase k = make("telnet command inside the verb", {"IacSecret7"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(
            c.client("P\xff\xf1"
                     "ASS IacSecret7\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // Only LF ends a line: the CR is part of the password.
        LeakCase k = make("bare CR inside the password", {"CrSecret8", "BeforeCr"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("PASS BeforeCr\rCrSecret8\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // A SYN on the tuple between "PASS " and the secret.
        LeakCase k = make("stray SYN inside a pass line", {"SynSecret9"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("PASS "));
        k.capture.add(Packet{kClient, kServer, 777777, 0, tcp_flag::syn, {}});
        k.capture.add(c.client("SynSecret9\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // TCP Fast Open: the commands ride on the SYN.
        LeakCase k = make("data on the SYN", {"FastSecret10"});
        Conversation c(kClient, kServer);
        std::vector<Packet> hs = c.handshake();
        std::string early = "USER bob\r\nPASS FastSecret10\r\n";
        hs[0].payload = early;
        hs[1].ack += static_cast<std::uint32_t>(early.size());
        k.capture.add(hs[0]);
        k.capture.add(hs[1]);
        (void)c.client(early);
        hs[2].seq = c.client_next();
        hs[2].ack = c.server_next();
        k.capture.add(hs[2]);
        k.capture.add(c.server("220 ready\r\n331 Please specify the password.\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // The client goes on in plain text after 234.
        LeakCase k = make("plain text after 234", {"TlsSecret11"});
        Conversation c(kClient, kServer);
        k.capture.add(c.handshake());
        k.capture.add(c.server("220 ready\r\n"));
        k.capture.add(c.client("AUTH TLS\r\n"));
        k.capture.add(c.server("234 Proceed with negotiation.\r\n"));
        k.capture.add(c.client("USER carol\r\nPASS TlsSecret11\r\n"));
        k.capture.add(c.server("\x15\x03\x01\x00\x02\x02\x0a"));  // a TLS alert
        k.capture.add(c.close());
        cases.push_back(std::move(k));
    }
    {  // The server echoes the password.
        LeakCase k = make("password echoed in a reply", {"EchoSecret12"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("PASS EchoSecret12@example.org\r\n"));
        k.capture.add(c.server("230-Fake response PASS EchoSecret12@example.org\r\n230 "));
        k.capture.add(c.server("Welcome, EchoSecret12@example.org\r\n"));
        k.capture.add(c.client("PWD\r\n"));
        k.capture.add(c.server("257 \"/\"\r\n"));
        k.capture.add(c.close());
        cases.push_back(std::move(k));
    }
    {  // A client that sends the password without a verb.
        LeakCase k = make("bare password after 331", {"BareSecret13"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("BareSecret13\r\n"));
        k.capture.add(c.server("500 Unknown command.\r\n"));
        k.capture.add(c.client("PASS abcd\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // Split across packets, the second arriving first.
        LeakCase k = make("pass line split and reordered", {"OrderSecret14"});
        Conversation c = asked_for_password(k.capture);
        Packet head = c.client("PASS Order");
        Packet tail = c.client("Secret14\r\n");
        k.capture.add(tail);
        k.capture.add(head);
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // A subnegotiation never closed: the server may read what it hides.
        LeakCase k = make("pass line inside an open subnegotiation", {"SbSecret16"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("\xff\xfaPASS SbSecret16\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // The capture begins inside the PASS line, and the server echoes it.
        LeakCase k = make("echo of a pass line whose start was lost", {"GapEcho18"});
        Conversation c(kClient, kServer);
        (void)c.handshake();
        (void)c.client("USER alice\r\n");
        k.capture.add(c.client("PASS GapEcho18\r\n"));
        k.capture.add(c.server("530 Login incorrect for GapEcho18\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // The capture shows the echo before the end of the PASS line.
        LeakCase k = make("echo before the pass line ends", {"EarlyEcho19"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("PASS EarlyEcho19"));
        k.capture.add(c.server("530 Login incorrect: EarlyEcho19\r\n"));
        k.capture.add(c.client("\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // A reply longer than the line cap, cut inside the echo.
        LeakCase k = make("echo cut by the line cap", {"CutEcho20", "CutEc"});
        k.reads_back_the_same = false;
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("PASS CutEcho20\r\n"));
        k.capture.add(c.server("230-" + std::string(8183, 'a') + "CutEcho20 tail\r\n230 ok\r\n"));
        k.capture.add(c.client("PWD\r\n"));
        k.capture.add(c.server("257 \"/\"\r\n"));
        k.capture.add(c.close());
        cases.push_back(std::move(k));
    }
    {  // The server's subnegotiation is read by no one, and may hold it.
        LeakCase k = make("echo inside a server subnegotiation", {"SbEcho21"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("PASS SbEcho21\r\n"));
        k.capture.add(c.server("230 ok\r\n\xff\xfa\x18SbEcho21\xff\xf0"));
        k.capture.add(c.client("PWD\r\n"));
        k.capture.add(c.server("257 \"/\"\r\n"));
        k.capture.add(c.close());
        cases.push_back(std::move(k));
    }
    {  // Both ends on port 21: which is the client, the handshake says.
        LeakCase k = make("both ports are FTP ports", {"BothPorts22"});
        Conversation c(endpoint("192.0.2.10", 21), kServer);
        k.capture.add(c.handshake());
        k.capture.add(c.server("220 ready\r\n"));
        k.capture.add(c.client("USER alice\r\n"));
        k.capture.add(c.server("331 Please specify the password.\r\n"));
        k.capture.add(c.client("PASS BothPorts22\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // What some servers skip or take as a line end.
        LeakCase k = make("control byte before PASS and PASS after a bare CR", {"VtPass23", "CrPass24"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("NOOP\r\n\x0bPASS VtPass23\r\n"));
        k.capture.add(c.server("200 ok\r\n530 Login incorrect.\r\n"));
        k.capture.add(c.client("USER alice\rPASS CrPass24\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // Other commands that carry a password.
        LeakCase k = make("ACCT and SITE PSWD", {"AcctSecret25", "PswdNew26"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("PASS x\r\n"));
        k.capture.add(c.server("332 Need account for login.\r\n"));
        k.capture.add(c.client("ACCT AcctSecret25\r\n"));
        k.capture.add(c.server("230 ok\r\n"));
        k.capture.add(c.client("SITE PSWD old PswdNew26\r\n"));
        k.capture.add(c.server("200 Password changed.\r\n"));
        k.capture.add(c.close());
        cases.push_back(std::move(k));
    }
    {  // An earlier password echoed after a later one was sent.
        LeakCase k = make("echo of an earlier password", {"OldPass27"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("PASS OldPass27\r\n"));
        k.capture.add(c.server("530 Login incorrect.\r\n"));
        k.capture.add(c.client("USER alice\r\n"));
        k.capture.add(c.server("331 Please specify the password.\r\n"));
        k.capture.add(c.client("PASS newer\r\n"));
        k.capture.add(c.server("530 You tried OldPass27 before\r\n"));
        k.capture.add(c.close());
        cases.push_back(std::move(k));
    }
    {  // After a failed login, the password typed at the user-name prompt.
        LeakCase k = make("password typed again as a user name", {"Retyped30"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("PASS Retyped30\r\n"));
        k.capture.add(c.server("530 Login incorrect.\r\n"));
        k.capture.add(c.client("USER Retyped30\r\n"));
        k.capture.add(c.server("331 Password required for Retyped30\r\n"));
        k.capture.add(c.client("QUIT\r\n"));
        k.capture.add(c.server("221 Goodbye.\r\n"));
        k.capture.add(c.close());
        cases.push_back(std::move(k));
    }
    {  // A retransmission that differs from the first copy.
        LeakCase k = make("conflicting retransmission", {"ConflictSecret15"});
        Conversation c = asked_for_password(k.capture);
        std::string first = "NOOP xxxxxxxxxxxxxxxxxxxx\r\n";
        k.capture.add(c.client_at(0, first));
        std::string other = "PASS ConflictSecret15";
        other += std::string(first.size() - 2 - other.size(), 'y') + "\r\n";
        k.capture.add(c.client_at(0, other));
        (void)c.client(first);
        k.capture.add(c.server("200 NOOP ok.\r\n"));
        k.capture.add(c.client("PASS x\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // A password that begins with a 0xff byte, sent escaped (IAC IAC):
       // -w must mask both bytes, or the lone IAC eats the mask's first star.
        LeakCase k = make("escaped IAC at the start of the password", {"\xff\xff"
                                                                       "IacFirst28",
                                                                       "IacFirst28"});
        Conversation c = asked_for_password(k.capture);
        k.capture.add(
            c.client("PASS \xff\xff"
                     "IacFirst28\r\n"));
        carry_on(k.capture, c);
        cases.push_back(std::move(k));
    }
    {  // Blanks push PASS past the line cap: the transcript shows blanks
       // only, and -w must not write what lies past them.
        LeakCase k = make("pass pushed past the line cap", {"FarSecret29"});
        k.reads_back_the_same = false;
        Conversation c = asked_for_password(k.capture);
        k.capture.add(c.client("PASS first\r\n"));
        k.capture.add(c.server("230 Login successful.\r\n"));
        // Logged in, no password is expected: only the verb can tell.
        k.capture.add(c.client(std::string(8200, ' ') + "PASS FarSecret29\r\n"));
        k.capture.add(c.server("503 Already logged in.\r\n"));
        k.capture.add(c.client("PWD\r\n"));
        k.capture.add(c.server("257 \"/\" is the current directory\r\n"));
        k.capture.add(c.close());
        cases.push_back(std::move(k));
    }
    return cases;
}

PcapWriter anonymity_case() {
    PcapWriter w(1);
    Conversation c(endpoint("203.0.113.77", 40000), endpoint("198.51.100.21", 21));
    w.add(c.handshake());
    // ProFTPD: the word after its name, read as a version, is an address here.
    w.add(c.server("220 ProFTPD 198.51.100.21 Server (ftp.acme-corp.com) ready\r\n"));
    for (int i = 0; i < 5; ++i) {  // enough for login_guessing and the summary's list, keyed by address
        w.add(c.client("USER Robert.Jones\r\n"));
        w.add(c.server("331 Please specify the password for robert.jones\r\n"));
        w.add(c.client("PASS wrong\r\n"));
        w.add(c.server("530 Login incorrect for ROBERT.JONES from 203.0.113.77:40000\r\n"));
    }
    w.add(c.client("USER Alice.Smith\r\n"));
    w.add(c.server("331 Please specify the password for alice.smith\r\n"));
    w.add(c.client("PASS secret\r\n"));
    w.add(c.server("230 User ALICE.SMITH logged in from ::ffff:203.0.113.77\r\n"));
    w.add(c.client("PWD\r\n"));
    w.add(c.server("257 \"/home/alice.smith\" is the current directory\r\n"));
    w.add(c.client("CWD ~alice.smith\r\n"));  // a name after ~, #, $ or %
    w.add(c.server("550 #alice.smith; $alice.smith %alice.smith\r\n"));
    w.add(c.client("PASV\r\n"));
    w.add(c.server("227 Entering Passive Mode (198,51,100,21,19,137).\r\n"));
    w.add(c.client("RETR notes.txt\r\n"));  // no data connection in the capture: data_not_captured
    w.add(c.server("150 Opening BINARY mode data connection\r\n"));
    w.add(c.server("226 Transfer complete\r\n"));
    w.add(c.client("LPRT 4,4,203,0,113,77,2,156,74\r\n"));
    w.add(c.server("200 LPRT command successful\r\n"));
    w.add(c.client("LPSV\r\n"));
    w.add(c.server("228 Entering Long Passive Mode (4,4,198,51,100,21,2,19,137)\r\n"));
    w.add(c.client("EPRT |1|203.0.113.77|5282|\r\n"));
    w.add(c.server("200 EPRT command successful\r\n"));
    w.add(c.client("203.0.113.77 is not a command\r\n"));

    Conversation v6(endpoint("fd00:aa::77", 40001), endpoint("fd00:aa::21", 21));
    w.add(v6.handshake());
    w.add(v6.server("220 FTP.ACME-CORP.COM ready on [fd00:aa::21]:21\r\n"));
    w.add(v6.client("USER alice\r\n"));
    w.add(v6.server("230 Alice logged in\r\n"));
    w.add(v6.client("alice\r\n"));  // a verb that is a user's name
    w.add(v6.server("500 Unknown command.\r\n"));
    w.add(v6.client("EPRT |2|fd00:aa::77|5282|\r\n"));
    w.add(v6.server("200 EPRT command successful\r\n"));
    w.add(v6.client("LPSV\r\n"));
    w.add(v6.server("228 Entering Long Passive Mode (6,16,253,0,0,170,0,0,0,0,0,0,0,0,0,0,0,33,2,19,137)\r\n"));
    w.add(v6.client("RETR notes.txt\r\n"));
    w.add(v6.server("226 Transfer complete\r\n"));
    w.add(v6.close());
    return w;
}

}  // namespace ftpsniff::test
