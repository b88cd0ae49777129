#include "ftpsniff/diagnose.hpp"

#include <fmt/format.h>

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
// the server announced, or cancelled by the client. The transfer's final
// reply decides: after a 2xx a reset only closed a finished transfer; a
// failure the server explains itself (451, 552, ...) is the cause, and the
// connection's end its effect.
void check_transfer(const DataChannelEvent& d, const SessionContext& s, const DiagnosisTexts& texts, DiagnosisFields& v,
                    std::vector<Diagnosis>& out) {
    if (d.aborted) {
        out.push_back(texts.make("transfer_aborted_by_client", "", v));
        return;
    }
    // The server said the transfer was done, yet the capture never saw the
    // connection end nor hold all its bytes: the capture missed them.
    const bool unseen_end = d.end == DataEnd::open_at_session_end || d.end == DataEnd::end_of_capture;
    if (unseen_end && d.final_reply / 100 == 2 && d.expected_to_client && d.bytes_to_client < *d.expected_to_client) {
        v.code = d.final_reply;
        v.expected_bytes = *d.expected_to_client;
        v.bytes = d.bytes_to_client;
        out.push_back(texts.make("data_partly_captured", "", v));
        return;
    }
    if (!d.started || d.closed_by == DataSide::none) return;
    const bool short_of_size = d.expected_to_client && d.bytes_to_client < *d.expected_to_client;
    const bool reset = d.end == DataEnd::rst && (short_of_size || !d.expected_to_client);
    const bool truncated = d.end == DataEnd::fin && short_of_size;
    if (!reset && !truncated) return;
    if (reset && !short_of_size && d.final_reply / 100 == 2) return;
    v.expected_bytes = d.expected_to_client.value_or(0);
    std::string_view variant = d.closed_by == DataSide::client ? "client" : "server";
    const bool explained = d.final_reply >= 400 && d.final_reply != 425 && d.final_reply != 426;
    // The reply's own finding names the cause best; without one, the reply.
    const bool named = !s.transfer_cause.empty() && s.transfer_cause_frame == d.final_frame;
    const std::string cause = !explained ? std::string()
                              : named    ? s.transfer_cause
                                         : texts.cause_reply(d.final_reply, d.final_frame);
    if (explained) {
        variant = "explained";
        v.cause = cause;
    }
    out.push_back(texts.make(reset ? "transfer_reset" : "transfer_truncated", variant, v));
}

}  // namespace

std::vector<Diagnosis> diagnose_data(const DataChannelEvent& d, const FlowInfo& flow, const SessionContext& session,
                                     const DiagnosisTexts& texts) {
    std::vector<Diagnosis> out;
    // One SYN given up on at once (the transfer was refused meanwhile) shows
    // no drop: a dropped SYN is sent again, after about a second.
    const bool opening = d.end == DataEnd::refused || (d.end == DataEnd::unanswered && d.syns >= 2);
    // Most connections carried their transfer and closed: nothing to say.
    const bool transfer = d.aborted || (d.started && d.end != DataEnd::unanswered && d.end != DataEnd::refused);
    if (!opening && !transfer && !d.announced) return out;
    const std::string listener = to_string(d.listener);
    DiagnosisFields v;
    v.command = d.command.empty() ? std::string_view("no transfer") : std::string_view(d.command);
    v.listener = listener;
    v.count = d.syns;
    v.seconds = millis_between(d.first, d.last) / 1000;
    v.bytes = d.bytes_to_client + d.bytes_to_server;
    if (opening) {
        check_opening(d, flow, session, texts, v, out);
        return out;
    }
    if (d.end == DataEnd::unanswered) return out;
    // A private address announced to a client that reached the server's
    // public one: the client worked around it. (Behind port forwarding the
    // announced address may be right and the capture see another.)
    if (d.passive && d.announced && is_private(d.announced->ip) && !is_private(flow.server.ip)) {
        const std::string told = to_string(*d.announced);
        const std::string settings = settings_for(&session, "passive_address");
        DiagnosisFields w = v;
        w.told = told;
        w.settings = settings;
        out.push_back(texts.make("pasv_address_mismatch", "worked_around", w));
    }
    check_transfer(d, session, texts, v, out);
    return out;
}

// A client that got through the handshake sends its Finished and then a
// command (USER, PBSZ): at least two records after its hello. A connection
// closed with fewer never got that far; an alert sent in the clear is the
// handshake's own refusal.
std::vector<Diagnosis> diagnose_end(const SessionEndEvent& end, Timestamp at, const SessionContext& session,
                                    const DiagnosisTexts& texts) {
    std::vector<Diagnosis> out;
    if (session.non_replies > 0) {
        DiagnosisFields v;
        v.count = session.non_replies;
        v.frame = session.non_reply_frame;
        v.error = session.non_reply;
        v.command = session.non_reply_after;
        out.push_back(texts.make("not_ftp_replies", v.command.empty() ? "unprompted" : "", v));
    }
    const SessionState& s = end.state;
    const bool closed = end.why == CloseReason::fin || end.why == CloseReason::rst;
    // Seen from its start, commands sent and not one reply: no greeting came.
    if (closed && session.whole && s.replies == 0 && s.commands > 0) {
        DiagnosisFields v;
        v.count = s.commands;
        out.push_back(texts.make("no_greeting", end.why == CloseReason::rst ? "rst" : "fin", v));
    } else if (closed && session.whole && !session.closing && s.unanswered > 0 &&
               !(s.unanswered == 1 && s.first_unanswered == "QUIT")) {
        // A client may close after QUIT without waiting for its 221; after a
        // 221 or 421 the server answers nothing more.
        DiagnosisFields v;
        v.count = s.unanswered;
        v.command = s.first_unanswered;
        out.push_back(texts.make("commands_unanswered", "", v));
    }
    if (s.tls == TlsMode::none || !s.tls_readable || !closed || !session.tls_began) return out;
    if (s.tls_records_to_server == 0 || s.tls_records_to_server > 3) return out;
    DiagnosisFields v;
    v.count = s.tls_records_to_server;
    v.seconds = millis_between(*session.tls_began, at) / 1000;
    out.push_back(texts.make("tls_handshake_failed", s.tls_alerts > 0 ? "alert" : "", v));
    return out;
}

}  // namespace ftpsniff
