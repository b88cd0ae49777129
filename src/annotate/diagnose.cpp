#include "ftpsniff/diagnose.hpp"

#include "ftpsniff/annotate.hpp"

#include <fmt/format.h>

#include <fmt/ranges.h>
#include <algorithm>

namespace ftpsniff {

namespace {

// 0.0.0.0 or ::, which names no host.
bool is_unspecified(const IpAddress& ip) {
    const std::size_t size = ip.version == 6 ? 16 : 4;
    return std::all_of(ip.bytes.begin(), ip.bytes.begin() + static_cast<std::ptrdiff_t>(size),
                       [](std::uint8_t b) { return b == 0; });
}

// The values every diagnosis of a reply may name: its code and the verb it answers.
DiagnosisFields reply_fields(const ReplyFacts& f) {
    DiagnosisFields v;
    v.code = f.code;
    if (f.command) v.command = *f.command;
    return v;
}

std::string settings_for(const ReplyFacts& f, std::string_view topic) { return settings_for(f.session, topic); }

void check_expected(const ReplyFacts& f, const CommandReplies& table, const DiagnosisTexts& texts,
                    std::vector<Diagnosis>& out) {
    // Against a guessed command, an unexpected code says nothing.
    if (!f.command || f.uncertain) return;
    const std::vector<int>* allowed = table.replies_of(*f.command);
    if (allowed == nullptr || table.allows(*allowed, f.code)) return;
    const std::string expected = fmt::format("{}", fmt::join(*allowed, ", "));
    DiagnosisFields v = reply_fields(f);
    v.expected = expected;
    out.push_back(texts.make("unexpected_reply", "", v));
}

void check_passive_address(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    if (!f.command || !is_passive_verb(*f.command) || !f.data_address || f.code / 100 != 2 || f.flow == nullptr) return;
    const DataAddressResult& r = *f.data_address;
    if (!r.address) {
        DiagnosisFields v = reply_fields(f);
        v.error = address_error_text(r.error);
        out.push_back(texts.make("bad_data_address", "passive", v));
        return;
    }
    if (!r.address->ip || *r.address->ip == f.flow->server.ip) return;
    const IpAddress& told = *r.address->ip;
    const bool behind_nat = is_private(told) && !is_private(f.flow->server.ip);
    const std::string told_text = to_string(told);
    const std::string server = to_string(f.flow->server.ip);
    const std::string settings = settings_for(f, "passive_address");
    DiagnosisFields v = reply_fields(f);
    v.told = told_text;
    v.server = server;
    v.settings = settings;
    out.push_back(texts.make("pasv_address_mismatch", behind_nat ? "private" : "", v));
}

void check_active_address(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    if (!f.command || !is_active_verb(*f.command) || !f.data_address || f.flow == nullptr) return;
    const DataAddressResult& r = *f.data_address;
    if (!r.address) {
        DiagnosisFields v = reply_fields(f);
        v.error = address_error_text(r.error);
        out.push_back(texts.make("bad_data_address", "active", v));
        return;
    }
    if (!r.address->ip || *r.address->ip == f.flow->client.ip) return;
    const IpAddress& ip = *r.address->ip;
    const std::string told = to_string(ip);
    if (is_unspecified(ip)) {
        DiagnosisFields v = reply_fields(f);
        v.told = told;
        out.push_back(texts.make("bad_data_address", "unspecified", v));
        return;
    }
    // Another family than the connection's is a dual-stack client's choice,
    // not a NAT's doing: the server says whether it takes it (522 if not).
    if (ip.version != f.flow->client.ip.version) return;
    const std::string client = to_string(f.flow->client.ip);
    DiagnosisFields v = reply_fields(f);
    v.told = told;
    v.client = client;
    out.push_back(texts.make("active_nat", "", v));
}

// A 425 to a transfer: which data connection the session set up, if any,
// tells a missing PASV or PORT from a blocked connection, and which side
// had to open it.
void check_no_data_connection(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    const SessionContext* s = f.session;
    const bool transfer = f.command && is_transfer_verb(*f.command) && !f.uncertain;
    if (s == nullptr || !transfer) {
        out.push_back(texts.make("data_connection_missing", "425", reply_fields(f)));
        return;
    }
    if (s->whole && (s->mode == DataMode::none || s->mode_used)) {
        out.push_back(texts.make("no_data_mode", s->mode == DataMode::none ? "" : "used", reply_fields(f)));
        return;
    }
    if (s->mode == DataMode::none) {
        out.push_back(texts.make("data_connection_missing", "425", reply_fields(f)));
        return;
    }
    const bool passive = s->mode == DataMode::passive;
    const std::string settings = settings_for(f, "passive_ports");
    DiagnosisFields v = reply_fields(f);
    v.settings = settings;
    out.push_back(texts.make("data_connection_missing", passive ? "425_passive" : "425_active", v));
}

void check_data_connection(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    if (f.code == 425) {
        check_no_data_connection(f, texts, out);
    } else if (f.code == 426 && f.command != "ABOR" && !f.abort_pending) {
        out.push_back(texts.make("data_connection_missing", "426", reply_fields(f)));
    }
}

// A refused USER or PASS is a failed login only when the credentials were
// refused: the server's wording (check_phrases), or a login already made,
// can say it was its policy instead.
void check_login(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    if (f.code != 530 || (f.command != "PASS" && f.command != "USER") || f.uncertain) return;
    if (f.command == "USER" && f.session != nullptr && f.session->logged_in) {
        out.push_back(texts.make("login_refused_policy", "user_change", reply_fields(f)));
        return;
    }
    out.push_back(texts.make("login_failed", f.command == "PASS" ? "pass" : "user", reply_fields(f)));
}

// The server's words name the reply's cause.
bool names_cause(const ReplyFacts& f) { return f.message && !f.message->message->id.empty(); }

// A reply whose wording names its cause (data/server_messages.tsv), unless
// a check that knows more of the context found the same. True when it did:
// the reply needs no generic login diagnosis then.
bool check_message(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    if (!names_cause(f)) return false;
    const ServerMessage& m = *f.message->message;
    if (std::any_of(out.begin(), out.end(), [&](const Diagnosis& d) { return d.id == m.id; })) return true;
    // A product's own words name that product's settings, identified or not.
    const std::string settings = m.settings.empty() ? std::string()
                                 : m.product == "*" ? settings_for(f, m.settings)
                                                    : ServerSettings::builtin().for_product(m.settings, &m.product);
    DiagnosisFields v = reply_fields(f);
    v.settings = settings;
    v.error = f.line.size() > 4 ? f.line.substr(4) : std::string_view();
    out.push_back(texts.make(m.id, m.variant, v));
    return true;
}

// RFC 2428 §2, §3: 522 to EPRT or EPSV means the server does not take that
// network protocol (address family).
void check_family(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    if (f.code != 522 || (f.command != "EPRT" && f.command != "EPSV") || f.uncertain) return;
    out.push_back(texts.make("eprt_family_unsupported", "", reply_fields(f)));
}

// 502 (not implemented), or 500 to a verb no RFC ftpsniff knows names: the
// server has no such command. A 500 to a known command objects to its
// argument ("500 Illegal PORT command."), which the reply's meaning covers;
// but SITE's argument is a subcommand of the server's own.
void check_unknown_command(const ReplyFacts& f, const CommandReplies& table, const DiagnosisTexts& texts,
                           std::vector<Diagnosis>& out) {
    if (!f.command || f.uncertain) return;
    const bool unknown =
        f.code == 502 || (f.code == 500 && (f.command == "SITE" || table.replies_of(*f.command) == nullptr));
    if (!unknown) return;
    std::string_view variant;
    if (f.command == "SITE") {
        variant = "site";
    } else if (f.session != nullptr && f.session->features_seen) {
        variant = f.session->lists(*f.command) ? "listed" : "not_listed";
    }
    out.push_back(texts.make("command_unknown", variant, reply_fields(f)));
}

// RFC 959 §4.2: 503, bad sequence of commands.
void check_sequence(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    if (f.code != 503 || !f.command || f.uncertain) return;
    out.push_back(texts.make("sequence_error", "", reply_fields(f)));
}

// What the session did before tells more than the reply's words: a DELE
// of a file this session already deleted.
void check_deleted_before(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    if (f.command != "DELE" || f.uncertain || f.session == nullptr) return;
    for (const auto& [path, frame] : f.session->deleted) {
        if (path != f.argument) continue;
        DiagnosisFields v = reply_fields(f);
        v.count = frame;
        out.push_back(texts.make("not_found", "deleted_before", v));
        return;
    }
}

// SIZE or REST refused while TYPE A is in effect: some servers (ProFTPD)
// refuse both in ASCII mode, whose counts depend on line-end conversion.
void check_ascii_mode(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    if ((f.command != "SIZE" && f.command != "REST") || f.uncertain || f.session == nullptr || f.session->type != 'A') {
        return;
    }
    if (std::any_of(out.begin(), out.end(), [](const Diagnosis& d) { return d.id == "ascii_mode_refused"; })) return;
    DiagnosisFields v = reply_fields(f);
    v.count = f.session->type_frame;
    out.push_back(texts.make("ascii_mode_refused", "type_a", v));
}

// RFC 959 §4.1.3: a refused ABOR aborted nothing.
void check_abort(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    if (f.command != "ABOR" || f.uncertain) return;
    out.push_back(texts.make("abort_refused", "", reply_fields(f)));
}

void check_tls(const ReplyFacts& f, const DiagnosisTexts& texts, std::vector<Diagnosis>& out) {
    if (f.code != 234 || f.command != "AUTH") return;
    out.push_back(texts.make("tls_started", "", reply_fields(f)));
}

void check_latency(const ReplyFacts& f, const DiagnosisTexts& texts, const DiagnoseOptions& opts,
                   std::vector<Diagnosis>& out) {
    if (!f.latency_ms || *f.latency_ms < opts.slow_reply_ms || !f.command) return;
    // A transfer's final reply waits for the transfer; its length is no delay.
    if (is_transfer_verb(*f.command) && f.code / 100 != 1) return;
    DiagnosisFields v = reply_fields(f);
    v.seconds = *f.latency_ms / 1000;
    out.push_back(texts.make("slow_reply", f.code == 530 ? "login" : "", v));
}

}  // namespace

void SessionVerdict::add(const Diagnosis& d, std::uint64_t at) {
    if (d.severity == Severity::info) return;
    ++(d.severity == Severity::error ? errors : warnings);
    if (worst && *worst <= d.severity) return;  // error < warning: an error replaces a warning
    worst = d.severity;
    id = d.id;
    frame = at;
}

bool is_private(const IpAddress& ip) {
    const auto& b = ip.bytes;
    if (ip.version == 6) return (b[0] & 0xfe) == 0xfc;
    return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
           (b[0] == 100 && (b[1] & 0xc0) == 64);
}

std::string settings_for(const SessionContext* session, std::string_view topic) {
    const bool known = session != nullptr && session->software;
    return ServerSettings::builtin().for_product(topic, known ? &session->software->product : nullptr);
}

std::optional<ServerMessages::Match> find_message(const ServerMessages& messages, const ReplyFacts& facts) {
    if (facts.line.size() <= 4) return std::nullopt;
    const bool known = facts.session != nullptr && facts.session->software;
    // A 426 while an ABOR waits is the abort's doing: the server's words about it are ABOR's.
    std::string_view verb = facts.uncertain ? "" : facts.command.value_or("");
    if (facts.code == 426 && facts.abort_pending && !verb.empty()) verb = "ABOR";
    return messages.match(facts.code, verb, facts.line.substr(4), known ? &facts.session->software->product : nullptr);
}

std::vector<Diagnosis> diagnose(const ReplyFacts& facts, const CommandReplies& table, const DiagnosisTexts& texts,
                                const DiagnoseOptions& opts) {
    // Each check runs only for the codes it concerns: most replies are a
    // 2xx that needs the first one alone.
    std::vector<Diagnosis> out;
    const int code = facts.code;
    check_expected(facts, table, texts, out);
    if (facts.data_address) {
        check_passive_address(facts, texts, out);
        check_active_address(facts, texts, out);
    }
    // vsftpd's "425 Use PORT or PASV first." says more than the session's data connections.
    if ((code == 425 || code == 426) && !names_cause(facts)) check_data_connection(facts, texts, out);
    if (code == 522) check_family(facts, texts, out);
    if (code == 500 || code == 502) check_unknown_command(facts, table, texts, out);
    if (code == 503) check_sequence(facts, texts, out);
    if (code == 550 || code == 450) check_deleted_before(facts, texts, out);
    if (!check_message(facts, texts, out) && code == 530) check_login(facts, texts, out);
    if (code == 550 || code == 501 || code == 504) check_ascii_mode(facts, texts, out);
    if (code == 234) check_tls(facts, texts, out);
    if (code / 100 == 5) check_abort(facts, texts, out);
    if (facts.latency_ms && *facts.latency_ms >= opts.slow_reply_ms) check_latency(facts, texts, opts, out);
    return out;
}

}  // namespace ftpsniff
