#include "data_channel_tracker.hpp"

#include "ftpsniff/command_replies.hpp"

namespace ftpsniff {

void DataChannelTracker::on_session_start(const FlowInfo& flow, Timestamp ts) {
    tracks_[flow.id].flow = flow;
    next_.session_start(flow, ts);
}

// Most commands and replies concern no data connection: their session's
// track is not looked up.
void DataChannelTracker::on_command(const FlowInfo& flow, const CommandEvent& ev) {
    if (is_transfer_verb(ev.verb)) tracks_[flow.id].transfer = ev.verb;
    if (ev.data_address && ev.data_address->address && ev.data_address->address->ip) {
        announce(tracks_[flow.id], false, Endpoint{*ev.data_address->address->ip, ev.data_address->address->port});
    }
    next_.command(flow, ev);
}

void DataChannelTracker::on_reply(const FlowInfo& flow, const ReplyEvent& ev) {
    ++replies_;
    std::optional<DataChannelEvent> missing = check_transfer(flow, ev);
    next_.reply(flow, ev, missing ? &*missing : nullptr);
}

// An accepted PASV/EPSV/LPSV, or a PORT/EPRT/LPRT as it is sent, announces
// where the next data connection goes; the transfer's final reply then shows
// whether one was seen there.
std::optional<DataChannelEvent> DataChannelTracker::check_transfer(const FlowInfo& flow, const ReplyEvent& ev) {
    if (!ev.command) return std::nullopt;
    if (is_passive_verb(*ev.command) && ev.data_address && ev.data_address->address && ev.reply.code / 100 == 2) {
        Track& t = tracks_[flow.id];
        const DataAddress& a = *ev.data_address->address;
        announce(t, true, Endpoint{a.ip.value_or(t.flow.server.ip), a.port});
        return std::nullopt;
    }
    if (!is_transfer_verb(*ev.command) || ev.reply.code / 100 == 1) return std::nullopt;
    Track& t = tracks_[flow.id];
    if (!t.announced) return std::nullopt;
    t.announced = false;
    // Only a reply saying the transfer happened makes a missing connection
    // a finding: a 550 refuses before any connection, a 425 says so itself.
    if (t.opened || (ev.reply.code != 226 && ev.reply.code != 250)) return std::nullopt;
    return DataChannelEvent{ev.ts, t.passive, t.transfer, t.listener, std::nullopt, ev.ts, ev.ts, 0, 0,
                            DataEnd::never_opened};
}

void DataChannelTracker::announce(Track& t, bool passive, const Endpoint& listener) {
    t.passive = passive;
    t.listener = listener;
    t.announced = true;
    t.opened = false;
    data_flows_.expect(listener, t.flow.id);
}

void DataChannelTracker::on_data_flow_open(const DataFlowReport& report) {
    auto it = tracks_.find(report.owner);
    if (it == tracks_.end()) return;
    it->second.opened = true;
    ++it->second.open_flows;
}

void DataChannelTracker::on_data_flow_end(const DataFlowReport& report) {
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
    next_.data_channel(t.flow, ev);
    --t.open_flows;
    drop_if_done(report.owner);
}

void DataChannelTracker::on_session_end(const FlowInfo& flow, Timestamp ts, CloseReason why,
                                        const SessionState& state) {
    next_.session_end(flow, ts, why, state);
    data_flows_.forget(flow.id);
    tracks_[flow.id].ended = true;
    drop_if_done(flow.id);
}

void DataChannelTracker::drop_if_done(std::uint64_t id) {
    auto it = tracks_.find(id);
    if (it != tracks_.end() && it->second.ended && it->second.open_flows == 0) tracks_.erase(it);
}

}  // namespace ftpsniff
