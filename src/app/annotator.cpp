#include "annotator.hpp"

#include "ftpsniff/annotate.hpp"
#include "ftpsniff/command_replies.hpp"

#include <fmt/format.h>

namespace ftpsniff {

namespace {

constexpr std::string_view kMaskedPassword = "****";

}  // namespace

Annotator::Annotator(const KnowledgeBase& kb, Renderer& renderer, RunSummary& run, bool show_passwords)
    : kb_(kb), renderer_(renderer), run_(run), show_passwords_(show_passwords), data_flows_(*this, run.anomalies) {}

void Annotator::on_session_start(const FlowInfo& flow, Timestamp ts) {
    ++run_.sessions;
    tracks_[flow.id].flow = flow;
    renderer_.session_start(flow, ts);
}

void Annotator::on_command(const FlowInfo& flow, const CommandEvent& ev) {
    ++run_.commands;
    Track& t = tracks_[flow.id];
    if (is_transfer_verb(ev.verb)) t.transfer = ev.verb;
    if (ev.data_address && ev.data_address->address && ev.data_address->address->ip) {
        announce(t, false, Endpoint{*ev.data_address->address->ip, ev.data_address->address->port});
    }
    if (ev.verb == "PASS" && !show_passwords_ && !ev.arg.empty()) {
        CommandEvent masked = ev;
        masked.arg = kMaskedPassword;
        renderer_.command(flow, masked);
        return;
    }
    renderer_.command(flow, ev);
}

void Annotator::on_reply(const FlowInfo& flow, const ReplyEvent& ev) {
    int digit = ev.reply.code / 100;
    ++run_.replies_by_class[digit >= 1 && digit <= 6 ? digit : 0];
    // The greeting answers the opening of the connection: CONNECT in the knowledge base.
    Annotation note = explanation(ev.reply.code, ev.greeting ? std::optional<std::string_view>("CONNECT") : ev.command);
    note.diagnoses = diagnose(
        ReplyFacts{ev.reply.code, ev.command, ev.latency_ms, &flow, ev.data_address, ev.abort_pending},
        CommandReplies::builtin(), diagnose_options_);
    for (const Diagnosis& d : note.diagnoses) {
        if (d.id == "login_failed") note_login_failure(flow, note);
    }
    track_data_channel(tracks_[flow.id], ev, note);
    if (digit == 4 || digit == 5) ++run_.errors[{ev.reply.code, std::string(ev.command.value_or(""))}];
    for (const Diagnosis& d : note.diagnoses) ++run_.diagnoses[std::string(d.id)];
    renderer_.reply(flow, ev, note);
}

Annotation Annotator::explanation(int code, std::optional<std::string_view> command) {
    std::pair<int, std::string_view> key{code, command.value_or(std::string_view{})};
    if (key.second.size() > kCachedVerbMax) return annotate(kb_, code, command);
    if (auto it = explanations_.find(key); it != explanations_.end()) return it->second;
    if (explanations_.size() >= kExplanationsKept) explanations_.clear();
    return explanations_.try_emplace(std::pair{code, std::string(key.second)}, annotate(kb_, code, command)).first->second;
}

// An accepted PASV/EPSV/LPSV, or a PORT/EPRT/LPRT as it is sent, announces
// where the next data connection goes; the transfer's final reply then shows
// whether one was seen there.
void Annotator::track_data_channel(Track& t, const ReplyEvent& ev, Annotation& note) {
    if (!ev.command) return;
    if (is_passive_verb(*ev.command) && ev.data_address && ev.data_address->address && ev.reply.code / 100 == 2) {
        const DataAddress& a = *ev.data_address->address;
        announce(t, true, Endpoint{a.ip.value_or(t.flow.server.ip), a.port});
        return;
    }
    if (!is_transfer_verb(*ev.command) || ev.reply.code / 100 == 1 || !t.announced) return;
    t.announced = false;
    // Only a reply saying the transfer happened makes a missing connection
    // a finding: a 550 refuses before any connection, a 425 says so itself.
    if (t.opened || (ev.reply.code != 226 && ev.reply.code != 250)) return;
    DataChannelEvent missing{ev.ts, t.passive, t.transfer, t.listener, std::nullopt, ev.ts, ev.ts, 0, 0,
                             DataEnd::never_opened};
    renderer_.data_channel(t.flow, missing);
    note.diagnoses.push_back(
        {"data_connection_missing",
         fmt::format("the server reports the {} done, but no data connection to {} appears in the capture", t.transfer,
                     to_string(t.listener)),
         "If the capture was filtered to the control port, capture the data ports too; otherwise the transfer went "
         "another way than announced (a NAT rewriting addresses, or a client using a different connection)."});
}

void Annotator::announce(Track& t, bool passive, const Endpoint& listener) {
    t.passive = passive;
    t.listener = listener;
    t.announced = true;
    t.opened = false;
    data_flows_.expect(listener, t.flow.id);
}

void Annotator::on_data_flow_open(const DataFlowReport& report) {
    auto it = tracks_.find(report.owner);
    if (it == tracks_.end()) return;
    it->second.opened = true;
    ++it->second.open_flows;
}

void Annotator::on_data_flow_end(const DataFlowReport& report) {
    auto it = tracks_.find(report.owner);
    if (it == tracks_.end()) return;
    Track& t = it->second;
    DataChannelEvent ev{report.last, t.passive, t.transfer, report.listener, report.opener, report.first, report.last,
                        0, 0, DataEnd::end_of_capture};
    // In passive mode the client opens the connection; in active mode the server.
    ev.bytes_to_server = t.passive ? report.bytes_to_listener : report.bytes_to_opener;
    ev.bytes_to_client = t.passive ? report.bytes_to_opener : report.bytes_to_listener;
    ev.end = report.end == CloseReason::fin ? DataEnd::fin
             : report.end == CloseReason::rst ? DataEnd::rst
                                              : DataEnd::end_of_capture;
    renderer_.data_channel(t.flow, ev);
    --t.open_flows;
    drop_if_done(report.owner);
}

void Annotator::on_unparsed(const FlowInfo& flow, const UnparsedEvent& ev) { renderer_.unparsed(flow, ev); }

void Annotator::on_gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) {
    ++run_.gaps;
    renderer_.gap(flow, ts, dir, length);
}

void Annotator::on_anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) {
    renderer_.anomaly(flow, ts, dir, what);
}

void Annotator::on_tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) { renderer_.tls(flow, ts, mode); }

void Annotator::on_session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) {
    if (state.login == LoginState::logged_in) ++run_.logins_ok;
    if (state.login == LoginState::failed) ++run_.logins_failed;
    renderer_.session_end(flow, ts, why, state);
    data_flows_.forget(flow.id);
    tracks_[flow.id].ended = true;
    drop_if_done(flow.id);
}

void Annotator::drop_if_done(std::uint64_t id) {
    auto it = tracks_.find(id);
    if (it != tracks_.end() && it->second.ended && it->second.open_flows == 0) tracks_.erase(it);
}

// Failed logins from one client address across sessions: at the threshold
// the failure that reaches it says so, and the summary lists it.
void Annotator::note_login_failure(const FlowInfo& flow, Annotation& note) {
    LoginFailures& f = run_.login_failures[flow.client.ip];
    ++f.failures;
    if (f.last_session != flow.id) ++f.sessions;
    f.last_session = flow.id;
    if (f.failures == kGuessingThreshold) {
        note.diagnoses.push_back({"login_guessing",
                                  fmt::format("{} failed logins from {} in {} sessions: possibly password guessing",
                                              f.failures, to_string(flow.client.ip), f.sessions),
                                  "If these are not a user's own retries, block the address (fail2ban) and make sure "
                                  "the server delays or limits failed logins."});
    }
}

}  // namespace ftpsniff
