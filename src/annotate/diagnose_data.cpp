#include "ftpsniff/diagnose.hpp"

namespace ftpsniff {

namespace {

// SYNs that got no answer, or a reset for one: who sent them says whose
// side drops or refuses, and a private address the server announced says
// why.
void check_opening(const DataChannelEvent& d, const FlowInfo& flow, const SessionContext& s,
                   const DiagnosisTexts& texts, DiagnosisFields& v, std::vector<Diagnosis>& out) {
    const bool refused = d.end == DataEnd::refused;
    if (!d.passive) {
        out.push_back(texts.make("active_connect_failed", refused ? "refused" : "unanswered", v));
        return;
    }
    const bool private_address = is_private(d.listener.ip) && !is_private(flow.server.ip);
    if (private_address && !refused) {
        const std::string settings = settings_for(&s, "passive_address");
        v.settings = settings;
        out.push_back(texts.make("pasv_private_address", "", v));
        return;
    }
    const std::string settings = settings_for(&s, "passive_ports");
    v.settings = settings;
    out.push_back(texts.make(refused ? "data_port_refused" : "data_port_blocked", "", v));
}

// A connection that carried a transfer: reset or closed short of the size
// the server announced, or cancelled by the client.
void check_transfer(const DataChannelEvent& d, const DiagnosisTexts& texts, DiagnosisFields& v,
                    std::vector<Diagnosis>& out) {
    if (d.aborted) {
        out.push_back(texts.make("transfer_aborted_by_client", "", v));
        return;
    }
    if (!d.started || d.closed_by == DataSide::none) return;
    const std::string_view side = d.closed_by == DataSide::client ? "client" : "server";
    const bool complete = d.expected_to_client && d.bytes_to_client >= *d.expected_to_client;
    if (d.end == DataEnd::rst && !complete) {
        out.push_back(texts.make("transfer_reset", side, v));
    } else if (d.end == DataEnd::fin && d.expected_to_client && !complete) {
        v.expected_bytes = *d.expected_to_client;
        out.push_back(texts.make("transfer_truncated", side, v));
    }
}

}  // namespace

std::vector<Diagnosis> diagnose_data(const DataChannelEvent& d, const FlowInfo& flow, const SessionContext& session,
                                     const DiagnosisTexts& texts) {
    std::vector<Diagnosis> out;
    if (d.end == DataEnd::never_opened) return out;
    const std::string listener = to_string(d.listener);
    DiagnosisFields v;
    v.command = d.command.empty() ? std::string_view("no transfer") : std::string_view(d.command);
    v.listener = listener;
    v.count = d.syns;
    v.seconds = millis_between(d.first, d.last) / 1000;
    v.bytes = d.bytes_to_client + d.bytes_to_server;
    // One SYN given up on at once (the transfer was refused meanwhile) shows
    // no drop: a dropped SYN is sent again, after about a second.
    if (d.end == DataEnd::refused || (d.end == DataEnd::unanswered && d.syns >= 2)) {
        check_opening(d, flow, session, texts, v, out);
        return out;
    }
    if (d.end == DataEnd::unanswered) return out;
    if (d.announced) {
        const std::string told = to_string(*d.announced);
        const std::string settings = settings_for(&session, "passive_address");
        DiagnosisFields w = v;
        w.told = told;
        w.settings = settings;
        out.push_back(texts.make("pasv_address_mismatch", "worked_around", w));
    }
    check_transfer(d, texts, v, out);
    return out;
}

// A client that got through the handshake sends its Finished and then a
// command (USER, PBSZ): at least two records after its hello. A connection
// closed with fewer never got that far; an alert sent in the clear is the
// handshake's own refusal.
std::vector<Diagnosis> diagnose_end(const SessionEndEvent& end, Timestamp at, const SessionContext& session,
                                    const DiagnosisTexts& texts) {
    std::vector<Diagnosis> out;
    const SessionState& s = end.state;
    const bool closed = end.why == CloseReason::fin || end.why == CloseReason::rst;
    if (s.tls == TlsMode::none || !s.tls_readable || !closed || !session.tls_began) return out;
    if (s.tls_records_to_server == 0 || s.tls_records_to_server > 3) return out;
    DiagnosisFields v;
    v.count = s.tls_records_to_server;
    v.seconds = millis_between(*session.tls_began, at) / 1000;
    out.push_back(texts.make("tls_handshake_failed", s.tls_alerts > 0 ? "alert" : "", v));
    return out;
}

}  // namespace ftpsniff
