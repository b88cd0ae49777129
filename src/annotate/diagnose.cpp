#include "ftpsniff/diagnose.hpp"

#include <fmt/format.h>

namespace ftpsniff {

namespace {

// RFC 1918 and RFC 6598 IPv4 ranges, and IPv6 unique local addresses.
bool is_private(const IpAddress& ip) {
    const auto& b = ip.bytes;
    if (ip.version == 6) return (b[0] & 0xfe) == 0xfc;
    return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
           (b[0] == 100 && (b[1] & 0xc0) == 64);
}

void check_expected(const ReplyFacts& f, const CommandReplies& table, std::vector<Diagnosis>& out) {
    // Against a guessed command, an unexpected code says nothing.
    if (!f.command || f.uncertain) return;
    const std::vector<int>* allowed = table.replies_of(*f.command);
    if (allowed == nullptr || table.allows(*allowed, f.code)) return;
    out.push_back({"unexpected_reply",
                   fmt::format("{} is not a reply {} may get (expected one of {})", f.code, *f.command,
                               fmt::join(*allowed, ", ")),
                   "If the pairing is right, the server or a middlebox is answering out of line: compare with the "
                   "server's log; a reply from an earlier command (pipelining, a lost reply) would also explain it."});
}

void check_passive_address(const ReplyFacts& f, std::vector<Diagnosis>& out) {
    if (!f.command || !is_passive_verb(*f.command) || !f.data_address || f.code / 100 != 2 || f.flow == nullptr) return;
    const DataAddressResult& r = *f.data_address;
    if (!r.address) {
        out.push_back(
            {"bad_data_address",
             fmt::format("the {} reply's address cannot be used: {}", *f.command, address_error_text(r.error)),
             "Clients cannot connect to it; fix the server's passive-mode settings or use EPSV."});
        return;
    }
    if (!r.address->ip || *r.address->ip == f.flow->server.ip) return;
    const IpAddress& told = *r.address->ip;
    std::string why = is_private(told) && !is_private(f.flow->server.ip)
                          ? " (a private address: the server is behind NAT and does not know its public one)"
                          : "";
    out.push_back({"pasv_address_mismatch",
                   fmt::format("{} sends the client to {}, but the server is at {}{}", *f.command, to_string(told),
                               to_string(f.flow->server.ip), why),
                   "Set the server's public passive address (vsftpd pasv_address, proftpd MasqueradeAddress, "
                   "pure-ftpd -P) and open its passive port range, or have the client use EPSV."});
}

void check_active_address(const ReplyFacts& f, std::vector<Diagnosis>& out) {
    if (!f.command || !is_active_verb(*f.command) || !f.data_address || f.flow == nullptr) return;
    const DataAddressResult& r = *f.data_address;
    if (!r.address) {
        out.push_back({"bad_data_address",
                       fmt::format("the {} argument cannot be used: {}", *f.command, address_error_text(r.error)),
                       "The client sent an address the server cannot connect to; check the client's active-mode "
                       "settings, or use passive mode."});
        return;
    }
    if (!r.address->ip || *r.address->ip == f.flow->client.ip) return;
    out.push_back({"port_address_mismatch",
                   fmt::format("{} asks the server to connect to {}, but the client is seen at {}", *f.command,
                               to_string(*r.address->ip), to_string(f.flow->client.ip)),
                   "The client is behind NAT: use passive mode (PASV/EPSV), or configure the client's external "
                   "address and forward its active-mode ports."});
}

void check_data_connection(const ReplyFacts& f, std::vector<Diagnosis>& out) {
    if (f.code == 425) {
        out.push_back({"data_connection_missing", "the server could not open the data connection",
                       "A firewall or NAT blocks the data connection: in passive mode open the server's passive port "
                       "range; in active mode let the server reach the client's PORT address, or switch to passive."});
    } else if (f.code == 426 && f.command != "ABOR" && !f.abort_pending) {
        out.push_back({"data_connection_missing", "the data connection broke during the transfer",
                       "Something closed the data connection mid-transfer: a firewall's idle timeout, a NAT, or the "
                       "client going away; retry, and compare both ends' logs."});
    }
}

void check_login(const ReplyFacts& f, std::vector<Diagnosis>& out) {
    if (f.code != 530 || (f.command != "PASS" && f.command != "USER")) return;
    out.push_back({"login_failed",
                   f.command == "PASS" ? "the login failed: wrong user name or password, or the account may not log in"
                                       : "the server refused the user name before any password",
                   "Check the credentials and the account's status in the server's log; repeated failures from one "
                   "client may be password guessing."});
}

void check_tls(const ReplyFacts& f, std::vector<Diagnosis>& out) {
    if (f.code != 234 || f.command != "AUTH") return;
    out.push_back({"tls_started", "the control connection switches to TLS here; nothing after this can be read",
                   "To see the rest, capture on the server with TLS keys or read the server's log; for plain-text "
                   "debugging, test with TLS off."});
}

void check_latency(const ReplyFacts& f, const DiagnoseOptions& opts, std::vector<Diagnosis>& out) {
    if (!f.latency_ms || *f.latency_ms < opts.slow_reply_ms || !f.command) return;
    // A transfer's final reply waits for the transfer; its length is no delay.
    if (is_transfer_verb(*f.command) && f.code / 100 != 1) return;
    out.push_back({"slow_reply", fmt::format("the server took {:.1f} s to answer {}", *f.latency_ms / 1000, *f.command),
                   f.code == 530 ? "Servers delay failed logins on purpose (vsftpd delay_failed_login); otherwise "
                                   "look for slow name lookups (reverse DNS, ident) or an overloaded server."
                                 : "Look for slow name lookups on the server (reverse DNS, ident), slow storage or "
                                   "authentication back ends, or an overloaded server."});
}

}  // namespace

std::vector<Diagnosis> diagnose(const ReplyFacts& facts, const CommandReplies& table, const DiagnoseOptions& opts) {
    std::vector<Diagnosis> out;
    check_expected(facts, table, out);
    check_passive_address(facts, out);
    check_active_address(facts, out);
    check_data_connection(facts, out);
    check_login(facts, out);
    check_tls(facts, out);
    check_latency(facts, opts, out);
    return out;
}

}  // namespace ftpsniff
