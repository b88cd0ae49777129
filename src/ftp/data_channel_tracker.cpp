#include "ftpsniff/data_channel_tracker.hpp"

namespace ftpsniff {

namespace {

// Where PORT, EPRT or LPRT asks the server to connect.
std::optional<DataAddressResult> active_address(std::string_view verb, std::string_view arg) {
    if (verb == "PORT") return parse_port_arg(arg);
    if (verb == "EPRT") return parse_eprt_arg(arg);
    if (verb == "LPRT") return parse_lprt_arg(arg);
    return std::nullopt;
}

}  // namespace

// Most commands and replies concern no data connection: their session's
// track is not looked up.
void DataChannelTracker::on(const Event& ev) {
    if (const auto* c = std::get_if<CommandEvent>(&ev.what)) {
        command(ev.flow, *c);
    } else if (const auto* r = std::get_if<ReplyEvent>(&ev.what)) {
        reply(ev, *r);
    } else if (std::holds_alternative<SessionStartEvent>(ev.what)) {
        tracks_[ev.flow.id].flow = ev.flow;
    }
    next_.on(ev);
    if (std::holds_alternative<SessionEndEvent>(ev.what)) session_end(ev.flow);
}

// A PORT/EPRT/LPRT announces its address as it is sent: the server may
// connect before it replies.
void DataChannelTracker::command(const FlowInfo& flow, const CommandEvent& ev) {
    if (is_transfer_verb(ev.verb)) tracks_[flow.id].transfer = ev.verb;
    if (!is_active_verb(ev.verb)) return;
    std::optional<DataAddressResult> a = active_address(ev.verb, ev.arg);
    if (a && a->address && a->address->ip)
        announce(tracks_[flow.id], false, Endpoint{*a->address->ip, a->address->port});
}

// An accepted PASV/EPSV/LPSV announces where the next data connection goes;
// the transfer's final reply then shows whether one was seen there.
void DataChannelTracker::reply(const Event& ev, const ReplyEvent& r) {
    ++replies_;
    if (!r.command) return;
    if (is_passive_verb(*r.command) && r.data_address && r.data_address->address && r.reply.code / 100 == 2) {
        Track& t = tracks_[ev.flow.id];
        const DataAddress& a = *r.data_address->address;
        announce(t, true, Endpoint{a.ip.value_or(t.flow.server.ip), a.port});
        return;
    }
    if (!is_transfer_verb(*r.command) || r.reply.code / 100 == 1) return;
    Track& t = tracks_[ev.flow.id];
    if (!t.announced) return;
    t.announced = false;
    // Only a reply saying the transfer happened makes a missing connection
    // a finding: a 550 refuses before any connection, a 425 says so itself.
    if (t.opened || (r.reply.code != 226 && r.reply.code != 250)) return;
    data_.flow = ev.flow;
    data_.ts = ev.ts;
    data_.frame = ev.frame;
    std::get<DataChannelEvent>(data_.what) =
        DataChannelEvent{t.passive, t.transfer, t.listener, std::nullopt, ev.ts, ev.ts, 0, 0, DataEnd::never_opened};
    next_.on(data_);
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
    data_.flow = t.flow;
    data_.ts = report.last;
    // A FIN or RST ends it as its packet is read; anything else, later.
    const bool by_packet = report.end == CloseReason::fin || report.end == CloseReason::rst;
    data_.frame = by_packet && frames_ != nullptr ? frames_->current() : 0;
    auto& ev = std::get<DataChannelEvent>(data_.what);
    ev.passive = t.passive;
    ev.command.assign(t.transfer);
    ev.listener = report.listener;
    ev.opener = report.opener;
    ev.first = report.first;
    ev.last = report.last;
    // In passive mode the client opens the connection; in active mode the server.
    ev.bytes_to_server = t.passive ? report.bytes_to_listener : report.bytes_to_opener;
    ev.bytes_to_client = t.passive ? report.bytes_to_opener : report.bytes_to_listener;
    ev.end = report.end == CloseReason::fin   ? DataEnd::fin
             : report.end == CloseReason::rst ? DataEnd::rst
                                              : DataEnd::end_of_capture;
    next_.on(data_);
    --t.open_flows;
    drop_if_done(report.owner);
}

void DataChannelTracker::session_end(const FlowInfo& flow) {
    data_flows_.forget(flow.id);
    tracks_[flow.id].ended = true;
    drop_if_done(flow.id);
}

void DataChannelTracker::drop_if_done(std::uint64_t id) {
    auto it = tracks_.find(id);
    if (it != tracks_.end() && it->second.ended && it->second.open_flows == 0) tracks_.erase(it);
}

}  // namespace ftpsniff
