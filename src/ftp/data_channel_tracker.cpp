#include "ftpsniff/data_channel_tracker.hpp"

#include <charconv>
#include <functional>

namespace ftpsniff {

namespace {

// Where PORT, EPRT or LPRT asks the server to connect.
std::optional<DataAddressResult> active_address(std::string_view verb, std::string_view arg) {
    if (verb == "PORT") return parse_port_arg(arg);
    if (verb == "EPRT") return parse_eprt_arg(arg);
    if (verb == "LPRT") return parse_lprt_arg(arg);
    return std::nullopt;
}

std::size_t path_hash(std::string_view path) { return std::hash<std::string_view>{}(path); }

std::optional<std::uint64_t> number(std::string_view text) {
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end == text.data()) return std::nullopt;
    return n;
}

// "(N bytes)" in a 150 or 125, as vsftpd, ProFTPD and many others announce
// a download's size.
std::optional<std::uint64_t> announced_size(std::string_view line) {
    std::size_t close = line.rfind(" bytes)");
    if (close == std::string_view::npos) return std::nullopt;
    std::size_t open = line.rfind('(', close);
    if (open == std::string_view::npos) return std::nullopt;
    std::string_view digits = line.substr(open + 1, close - open - 1);
    if (digits.empty() || digits.size() > 19) return std::nullopt;
    auto n = number(digits);
    if (!n || std::to_string(*n).size() != digits.size()) return std::nullopt;
    return n;
}

// RFC 959 §3.1.1.3: TYPE I, or L 8, transfers the file's bytes unchanged.
bool binary_type(std::string_view arg) {
    if (arg.empty()) return false;
    const char c = arg[0];
    if (c == 'I' || c == 'i') return true;
    return (c == 'L' || c == 'l') && arg.substr(1).find('8') != std::string_view::npos;
}

}  // namespace

// Most commands and replies concern no data connection: their session's
// track is not looked up.
void DataChannelTracker::on(const Event& ev) {
    if (const auto* c = std::get_if<CommandEvent>(&ev.what)) {
        command(ev.flow, ev.ts, *c);
    } else if (const auto* r = std::get_if<ReplyEvent>(&ev.what)) {
        reply(ev, *r);
    } else if (std::holds_alternative<SessionStartEvent>(ev.what)) {
        tracks_[ev.flow.id].flow = ev.flow;
    } else if (std::holds_alternative<SessionEndEvent>(ev.what)) {
        // Its data connections are reported before its end line.
        if (auto it = tracks_.find(ev.flow.id); it != tracks_.end()) {
            release_held(it->second, 0, 0);
            give_up(it->second, ev.ts);
            if (it->second.open_flows > 0) {
                session_ending_ = true;
                data_flows_.close_owner(ev.flow.id);
                session_ending_ = false;
            }
        }
    }
    next_.on(ev);
    if (std::holds_alternative<SessionEndEvent>(ev.what)) session_end(ev.flow);
}

// A PORT/EPRT/LPRT announces its address as it is sent: the server may
// connect before it replies.
void DataChannelTracker::command(const FlowInfo& flow, Timestamp ts, const CommandEvent& ev) {
    const std::string_view verb = ev.verb;
    if (verb.size() != 4) return;  // every verb that matters here has four letters
    if (is_transfer_verb(verb)) {
        Track& t = tracks_[flow.id];
        t.transfer = ev.verb;
        t.argument = ev.arg;
        t.path.clear();
        t.final_code = 0;
        t.final_frame = 0;
        t.sizes.retr = verb == "RETR" ? path_hash(ev.arg) : 0;
        return;
    }
    if (verb == "SIZE") {
        tracks_[flow.id].sizes.size_query = path_hash(ev.arg);
    } else if (verb == "REST") {
        tracks_[flow.id].sizes.rest_pending = number(ev.arg).value_or(0);
    } else if (verb == "TYPE") {
        tracks_[flow.id].sizes.binary_pending = binary_type(ev.arg);
    } else if (verb == "MODE") {
        tracks_[flow.id].sizes.stream_pending = !ev.arg.empty() && (ev.arg[0] == 'S' || ev.arg[0] == 's');
    } else if (verb == "ABOR") {
        Track& t = tracks_[flow.id];
        if (t.open_flows > 0) t.aborted = true;
    } else if (is_active_verb(verb)) {
        std::optional<DataAddressResult> a = active_address(verb, ev.arg);
        if (a && a->address && a->address->ip)
            announce(tracks_[flow.id], false, Endpoint{*a->address->ip, a->address->port}, ts);
    }
}

// An accepted PASV/EPSV/LPSV announces where the next data connection goes;
// the transfer's final reply then shows whether one was seen there.
void DataChannelTracker::reply(const Event& ev, const ReplyEvent& r) {
    ++replies_;
    if (!r.command) return;
    if (is_passive_verb(*r.command) && r.data_address && r.data_address->address && r.reply.code / 100 == 2) {
        Track& t = tracks_[ev.flow.id];
        const DataAddress& a = *r.data_address->address;
        announce(t, true, Endpoint{a.ip.value_or(t.flow.server.ip), a.port}, ev.ts);
        return;
    }
    const std::string_view verb = *r.command;
    // A refused ABOR cancelled nothing (RFC 959 §4.1.3).
    if (verb == "ABOR" && r.reply.code >= 400) {
        if (auto it = tracks_.find(ev.flow.id); it != tracks_.end()) it->second.aborted = false;
        return;
    }
    const bool transfer = is_transfer_verb(verb);
    if (!transfer && verb != "SIZE" && verb != "REST" && verb != "TYPE" && verb != "MODE") return;
    Track& t = tracks_[ev.flow.id];
    learn_sizes(t, r);
    if (!transfer) return;
    t.path.assign(r.path);
    if (r.reply.code / 100 == 1) {
        t.started = true;
        return;
    }
    t.sizes.rest = 0;  // an offset serves the next transfer only
    t.sizes.sized.reset();
    t.final_code = r.reply.code;
    t.final_frame = ev.frame;
    release_held(t, r.reply.code, ev.frame);
    // The transfer is over: SYNs still unanswered will not be.
    give_up(t, ev.ts);
    if (!t.announced) return;
    t.announced = false;
    // Only a reply saying the transfer happened makes a missing connection
    // a finding: a 550 refuses before any connection, a 425 says so itself.
    if (t.opened || (r.reply.code != 226 && r.reply.code != 250)) return;
    data_.flow = ev.flow;
    data_.ts = ev.ts;
    data_.frame = ev.frame;
    auto& d = std::get<DataChannelEvent>(data_.what);
    d = DataChannelEvent{};
    d.passive = t.passive;
    d.command = t.transfer;
    d.argument = t.argument;
    d.path = t.path;
    d.listener = t.listener;
    d.first = ev.ts;
    d.last = ev.ts;
    next_.on(data_);
}

// SIZE, REST and TYPE replies, and a download's 150, tell how many bytes
// its data connection should carry.
void DataChannelTracker::learn_sizes(Track& t, const ReplyEvent& r) {
    Sizes& s = t.sizes;
    const std::string_view verb = *r.command;
    const int code = r.reply.code;
    const std::string_view line = r.reply.lines.empty() ? std::string_view() : std::string_view(r.reply.lines[0]);
    if (verb == "SIZE" && code == 213 && line.size() > 4) {
        if (auto n = number(line.substr(4))) s.sized = {s.size_query, *n};
    } else if (verb == "REST") {
        s.rest = code == 350 ? s.rest_pending : 0;
    } else if (verb == "TYPE" && code / 100 == 2) {
        s.binary = s.binary_pending;
    } else if (verb == "MODE" && code / 100 == 2) {
        s.stream = s.stream_pending;
    } else if (verb == "RETR" && (code == 150 || code == 125)) {
        std::optional<std::uint64_t> size = announced_size(line);
        if (!size && s.sized && s.sized->first == s.retr) size = s.sized->second;
        // Only bytes sent unchanged can be counted against a file's size.
        const bool binary = s.binary || line.find("BINARY") != std::string_view::npos;
        // Servers differ on whether the 150 counts from the REST offset:
        // the smaller reading is the one every server meets.
        t.expected.reset();
        // MODE B or Z (RFC 959 §3.4, compression) changes the count on the wire.
        if (size && binary && s.stream && *size >= s.rest) t.expected = *size - s.rest;
    }
}

void DataChannelTracker::announce(Track& t, bool passive, const Endpoint& listener, Timestamp now) {
    give_up(t, now);
    if (t.alternate) data_flows_.withdraw(*t.alternate, t.flow.id);
    t.passive = passive;
    t.listener = listener;
    t.announced = true;
    t.opened = false;
    t.expected.reset();
    t.started = false;
    data_flows_.expect(listener, t.flow.id);
    // A client may replace a PASV address it cannot use with the control
    // connection's (lftp and FileZilla do), and a server may connect to the
    // address it sees the client at rather than a PORT address a NAT left
    // unchanged (or a replay with rewritten headers): expect it there too.
    t.alternate.reset();
    const IpAddress& own = passive ? t.flow.server.ip : t.flow.client.ip;
    if (listener.ip != own) {
        t.alternate = Endpoint{own, listener.port};
        data_flows_.expect(*t.alternate, t.flow.id);
    }
}

void DataChannelTracker::give_up(Track& t, Timestamp now) {
    if (!t.current || t.open_flows == 0) return;
    giving_up_at_ = now;
    data_flows_.give_up_if_unanswered(t.current->first, t.current->second);
    giving_up_at_.reset();
}

// Hands on the held connection, now that its transfer's final reply (or
// the session's end, with 0) says how the transfer went.
void DataChannelTracker::release_held(Track& t, int final_code, std::uint64_t final_frame) {
    if (!t.held) return;
    auto& d = std::get<DataChannelEvent>(t.held->what);
    d.final_reply = final_code;
    d.final_frame = final_frame;
    next_.on(*t.held);
    t.held.reset();
}

void DataChannelTracker::on_data_flow_open(const DataFlowReport& report) {
    auto it = tracks_.find(report.owner);
    if (it == tracks_.end()) return;
    Track& t = it->second;
    t.opened = true;
    ++t.open_flows;
    t.current = {report.opener, report.listener};
    t.opened_frame = frames_ != nullptr ? frames_->current() : 0;
    t.aborted = false;
    // One of the two addresses was used: the other is no longer expected.
    if (t.alternate) data_flows_.withdraw(report.listener == t.listener ? *t.alternate : t.listener, t.flow.id);
}

void DataChannelTracker::on_data_flow_end(const DataFlowReport& report) {
    auto it = tracks_.find(report.owner);
    if (it == tracks_.end()) return;
    Track& t = it->second;
    const bool current = t.current && t.current->first == report.opener && t.current->second == report.listener;
    data_.flow = t.flow;
    // Given up on, it is reported in order with what made its owner give up.
    data_.ts = giving_up_at_.value_or(report.last);
    // A FIN or RST ends it as its packet is read; anything else, later.
    const bool by_packet = report.end == CloseReason::fin || report.end == CloseReason::rst;
    data_.frame = by_packet && frames_ != nullptr ? frames_->current() : 0;
    // Unanswered SYNs end when their owner gives up, at a later packet: the
    // first SYN is where to look.
    if (!report.answered && report.end != CloseReason::rst && current) data_.frame = t.opened_frame;
    auto& ev = std::get<DataChannelEvent>(data_.what);
    // Its own mode, even after the session set up another: the client opens
    // a passive connection, the server an active one. The address it went
    // to says which where the session announced it; on one host (loopback)
    // the addresses alone cannot.
    const bool as_announced =
        current && (report.listener == t.listener || (t.alternate && report.listener == *t.alternate));
    ev.passive = as_announced
                     ? t.passive
                     : report.opener.ip == t.flow.client.ip || (report.listener.ip != t.flow.client.ip && t.passive);
    ev.command.assign(current ? std::string_view(t.transfer) : std::string_view());
    ev.argument.assign(current ? std::string_view(t.argument) : std::string_view());
    ev.path.assign(current ? std::string_view(t.path) : std::string_view());
    ev.listener = report.listener;
    ev.announced.reset();
    if (current && t.alternate && report.listener == *t.alternate) ev.announced = t.listener;
    ev.opener = report.opener;
    ev.first = report.first;
    ev.last = report.last;
    // In passive mode the client opens the connection; in active mode the server.
    ev.bytes_to_server = t.passive ? report.bytes_to_listener : report.bytes_to_opener;
    ev.bytes_to_client = t.passive ? report.bytes_to_opener : report.bytes_to_listener;
    if (!report.answered) {
        const bool refused = report.end == CloseReason::rst && report.closed_by == FlowSide::listener;
        ev.end = refused ? DataEnd::refused : DataEnd::unanswered;
    } else if (session_ending_) {
        ev.end = DataEnd::open_at_session_end;
    } else {
        ev.end = report.end == CloseReason::fin   ? DataEnd::fin
                 : report.end == CloseReason::rst ? DataEnd::rst
                                                  : DataEnd::end_of_capture;
    }
    ev.syns = report.syns;
    const bool opener_is_client = ev.passive;
    ev.closed_by = report.closed_by == FlowSide::none                           ? DataSide::none
                   : (report.closed_by == FlowSide::opener) == opener_is_client ? DataSide::client
                                                                                : DataSide::server;
    ev.tls = report.tls;
    ev.stopped_reading = report.zero_window == FlowSide::none                           ? DataSide::none
                         : (report.zero_window == FlowSide::opener) == opener_is_client ? DataSide::client
                                                                                        : DataSide::server;
    ev.aborted = current && t.aborted;
    ev.started = current && t.started;
    ev.expected_to_client.reset();
    if (current && t.transfer == "RETR") ev.expected_to_client = t.expected;
    ev.final_reply = current ? t.final_code : 0;
    ev.final_frame = current ? t.final_frame : 0;
    // A reset, or fewer bytes than announced, before the transfer's reply
    // waits for that reply: it tells a failure from a harmless close.
    const bool short_of_size = ev.expected_to_client && ev.bytes_to_client < *ev.expected_to_client;
    const bool hold = current && ev.started && ev.final_reply == 0 && !session_ending_ &&
                      (ev.end == DataEnd::rst || (ev.end == DataEnd::fin && short_of_size));
    if (current) {
        t.current.reset();
        t.expected.reset();
        t.started = false;
    }
    if (hold) {
        if (t.held) release_held(t, 0, 0);
        t.held = std::make_unique<Event>(data_);
    } else {
        next_.on(data_);
    }
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
