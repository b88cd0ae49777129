#include "ftpsniff/server_software.hpp"
#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/server_messages.hpp"

#include "builtin_data.hpp"
#include "tsv_keys.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ftpsniff {
namespace {

std::string seen(std::string_view line, SoftwareClue where) {
    auto found = ServerSignatures::builtin().match(line, where);
    if (!found) return "unknown";
    return found->version.empty() ? found->product : found->product + " " + found->version;
}

// Banners and replies real servers send (../shared/reference/server_codes.md,
// the shared corpus, public captures).
TEST(ServerSoftware, GreetingsNameProductAndVersion) {
    using enum SoftwareClue;
    EXPECT_EQ(seen("220 (vsFTPd 3.0.3)", greeting), "vsftpd 3.0.3");
    EXPECT_EQ(seen("220 (vsFTPd 2.3.5)", greeting), "vsftpd 2.3.5");
    EXPECT_EQ(seen("220 ProFTPD 1.3.0a Server (ProFTPD Anonymous Server) [192.168.1.231]", greeting), "ProFTPD 1.3.0a");
    EXPECT_EQ(seen("220 ProFTPD Server (ProFTPD Default Installation) [127.0.0.1]", greeting), "ProFTPD");
    EXPECT_EQ(seen("220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------", greeting), "Pure-FTPd");
    EXPECT_EQ(seen("220-FileZilla Server 1.9.1", greeting), "FileZilla Server 1.9.1");
    EXPECT_EQ(seen("220-FileZilla Server version 0.9.41 beta", greeting), "FileZilla Server 0.9.41");
    EXPECT_EQ(seen("220 Microsoft FTP Service", greeting), "Microsoft IIS");
    EXPECT_EQ(seen("220 Serv-U FTP Server v15.1 ready...", greeting), "Serv-U 15.1");
    EXPECT_EQ(
        seen("220 ftp.example.com FTP server (Version wu-2.6.2(1) Fri Aug 20 01:38:05 EDT 2010) ready.", greeting),
        "wu-ftpd 2.6.2(1)");
    EXPECT_EQ(seen("220 ftp.example.com (glFTPd 2.01 Linux+TLS) ready.", greeting), "glFTPd 2.01");
    // Not known: said so rather than guessed.
    EXPECT_EQ(seen("220 ftp.NetBSD.org FTP server (NetBSD-ftpd 20100320) ready.", greeting), "unknown");
    EXPECT_EQ(seen("220 FTP Sandbox Ready.", greeting), "unknown");
}

TEST(ServerSoftware, EachClueIsLookedForWhereItAppears) {
    using enum SoftwareClue;
    EXPECT_EQ(seen("215 Windows_NT", syst), "Microsoft IIS");
    EXPECT_EQ(seen("215 UNIX emulated by FileZilla.", syst), "FileZilla Server");
    EXPECT_EQ(seen("215 UNIX Type: L8", syst), "unknown");  // vsftpd, ProFTPD and Pure-FTPd alike
    EXPECT_EQ(seen("500 OOPS: vsftpd: refusing to run with writable root inside chroot()", reply), "vsftpd");
    // IIS, wu-ftpd and BSD ftpd say "not understood" too: no clue.
    EXPECT_EQ(seen("500 SITE UMASK not understood", reply), "unknown");
    // A greeting's text is no clue in another reply, and the other way round.
    EXPECT_EQ(seen("215 Windows_NT", greeting), "unknown");
    EXPECT_EQ(seen("230 Login successful.", reply), "unknown");  // vsftpd and FileZilla Server both
}

// A product named in another table but spelled otherwise than servers.tsv
// spells it would never match an identified session.
TEST(ServerSoftware, EveryTableNamesProductsAsServersTsvDoes) {
    const auto products = test::tsv_keys(builtin_file("servers.tsv"));
    const std::set<std::string_view> known(products.begin(), products.end());
    for (std::string_view product : test::tsv_keys(builtin_file("server_settings.tsv"))) {
        EXPECT_TRUE(known.contains(product)) << "server_settings.tsv: " << product;
    }
    for (const ServerMessage& m : ServerMessages::builtin().entries()) {
        EXPECT_TRUE(m.product == "*" || known.contains(m.product)) << "server_messages.tsv: " << m.text;
    }
}

TEST(ServerSoftware, ErrorsNameFileAndLine) {
    const std::string header = "product\twhere\ttext\tversion\tsource\n";
    try {
        ServerSignatures::parse(header + "x\tbanner\tX\t\ts\n", "s.tsv");
        FAIL() << "no error";
    } catch (const KnowledgeError& e) {
        EXPECT_STREQ(e.what(), "s.tsv:2: where 'banner' is not greeting, syst or reply");
    }
    EXPECT_THROW(ServerSignatures::parse(header + "x\treply\t\t\ts\n", "s.tsv"), KnowledgeError);
    EXPECT_THROW(ServerSignatures::parse(header + "x\treply\tX\tbefore\ts\n", "s.tsv"), KnowledgeError);
}

}  // namespace
}  // namespace ftpsniff
