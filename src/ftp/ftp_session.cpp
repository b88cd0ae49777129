#include "ftpsniff/ftp_session.hpp"


namespace ftpsniff {

namespace {

bool is_greeting_code(int code) { return code == 120 || code == 220 || code == 421; }

// The data-connection address an exchange announces, if it is one that does.
std::optional<DataAddressResult> announced_address(std::string_view verb, std::string_view arg, const Reply& reply) {
    if (verb == "PASV" && reply.code == 227) return parse_pasv_reply(reply.text());
    if (verb == "EPSV" && reply.code == 229) return parse_epsv_reply(reply.text());
    if (verb == "LPSV" && reply.code == 228) return parse_lpsv_reply(reply.text());
    if (verb == "PORT") return parse_port_arg(arg);
    if (verb == "EPRT") return parse_eprt_arg(arg);
    if (verb == "LPRT") return parse_lprt_arg(arg);
    return std::nullopt;
}

}  // namespace

FtpSession::FtpSession(const FlowInfo& flow, FtpEvents& out, AnomalyCounts& anomalies, MemoryBudget& budget,
                       FtpLimits limits)
    : flow_(flow),
      out_(out),
      anomalies_(anomalies),
      limits_(limits),
      client_lines_(limits.max_line, budget),
      server_lines_(limits.max_line, budget),
      replies_(limits.reply, budget) {
    out_.on_session_start(flow_, flow_.first_seen);
}

void FtpSession::report(Direction dir, Timestamp ts, Anomaly what) {
    anomalies_.add(what);
    out_.on_anomaly(flow_, ts, dir, what);
}

void FtpSession::on_anomaly(Direction dir, Timestamp ts, Anomaly what) { out_.on_anomaly(flow_, ts, dir, what); }

void FtpSession::check_budget(Direction dir, Timestamp ts) {
    LineSplitter& lines = dir == Direction::to_server ? client_lines_ : server_lines_;
    bool refused = lines.take_refused();
    if (dir == Direction::to_client) refused = replies_.take_refused() || refused;
    if (refused) report(dir, ts, Anomaly::memory_cap_hit);
}

// A TLS handshake record (content type 22, version 3.x) as a stream's very
// first bytes: implicit FTPS, TLS before any FTP.
bool FtpSession::starts_with_tls(Direction dir, std::span<const std::uint8_t> bytes) {
    auto d = static_cast<std::size_t>(dir);
    bool first = !started_[d] && !midstream_[d];
    started_[d] = true;
    return first && bytes.size() >= 2 && bytes[0] == 0x16 && bytes[1] == 0x03;
}

void FtpSession::on_data(Direction dir, Timestamp ts, std::span<const std::uint8_t> bytes) {
    (dir == Direction::to_server ? state_.bytes_to_server : state_.bytes_to_client) += bytes.size();
    if (encrypted_) return;
    if (starts_with_tls(dir, bytes)) {
        encrypted_ = true;
        state_.tls = TlsMode::implicit;
        out_.on_tls(flow_, ts, TlsMode::implicit);
        return;
    }
    if (dir == Direction::to_server) {
        client_telnet_.feed(bytes, [&](std::span<const std::uint8_t> data) {
            client_lines_.feed(data, [&](const Line& line) { client_line(line, ts); });
        });
    } else {
        server_telnet_.feed(bytes, [&](std::span<const std::uint8_t> data) {
            server_lines_.feed(data, [&](const Line& line) { server_line(line, ts); });
        });
    }
    check_budget(dir, ts);
}

void FtpSession::client_line(const Line& line, Timestamp ts) {
    if (encrypted_) return;
    if (line.truncated) report(Direction::to_server, ts, Anomaly::line_too_long);
    auto cmd = parse_command(line.text);
    if (!cmd) {
        auto reason = line.after_gap ? UnparsedReason::fragment_after_gap : UnparsedReason::not_a_command;
        out_.on_unparsed(flow_, UnparsedEvent{ts, Direction::to_server, line.text, reason, line.truncated, {}});
        return;
    }
    ++state_.commands;
    std::string verb = upper_verb(cmd->verb);
    if (pending_.size() >= limits_.max_pending_commands) {
        report(Direction::to_server, ts, Anomaly::pending_commands_cap_hit);
        pending_.pop_front();
    }
    pending_.push_back(verb, cmd->arg, ts);
    std::optional<DataAddressResult> address;
    std::string_view v = verb;  // a view compares its length first; a std::string with a literal does not
    if (v == "PORT") address = parse_port_arg(cmd->arg);
    if (v == "EPRT") address = parse_eprt_arg(cmd->arg);
    if (v == "LPRT") address = parse_lprt_arg(cmd->arg);
    out_.on_command(flow_, CommandEvent{ts, std::move(verb), cmd->arg, line.truncated, std::move(address)});
}

void FtpSession::server_line(const Line& line, Timestamp ts) {
    if (encrypted_) return;
    if (line.truncated) report(Direction::to_client, ts, Anomaly::line_too_long);
    if (!replies_.open()) {
        reply_start_ = ts;
        // After a gap only a well-formed reply line can be trusted to start
        // at a line boundary.
        if (line.after_gap && !parse_reply_line(line.text)) {
            out_.on_unparsed(flow_, UnparsedEvent{ts, Direction::to_client, line.text,
                                                  UnparsedReason::fragment_after_gap, line.truncated, {}});
            return;
        }
    }
    switch (replies_.feed(line.text, line.truncated)) {
    case ReplyAssembler::Result::reply:
        finish_reply();
        break;
    case ReplyAssembler::Result::not_a_reply: {
        UnparsedEvent ev{ts, Direction::to_client, line.text, UnparsedReason::not_a_reply, line.truncated, {}};
        replied_ = true;
        if (!pending_.empty()) {
            pending_.pop_front_into(answered_);
            ev.command = answered_.verb;
        }
        out_.on_unparsed(flow_, ev);
        break;
    }
    case ReplyAssembler::Result::pending:
        break;
    }
}

std::optional<std::string_view> FtpSession::pair(const Reply& reply, Timestamp ts, std::optional<double>& latency,
                                                 bool& greeting) {
    if (!replied_ && !midstream_[static_cast<std::size_t>(Direction::to_client)] && is_greeting_code(reply.code)) {
        greeting = true;
        replied_ = reply.code != 120;  // 120 promises a 220 greeting later
        return std::nullopt;
    }
    replied_ = true;
    if (pending_.empty()) return std::nullopt;
    if (reply.code / 100 == 1) {
        answered_ = pending_.front();  // a preliminary reply: the command still awaits its final one
    } else {
        pending_.pop_front_into(answered_);
    }
    latency = millis_between(answered_.ts, ts);
    return answered_.verb;
}

void FtpSession::finish_reply() {
    const Reply& reply = replies_.take();
    std::optional<double> latency;
    bool greeting = false;
    auto command = pair(reply, reply_start_, latency, greeting);
    std::optional<DataAddressResult> address;
    if (command) address = announced_address(*command, answered_.arg, reply);
    bool abort_pending = pending_.has_verb("ABOR");
    ++state_.replies;
    if (command && reply.code / 100 != 1) state_.on_final_reply(*command, answered_.arg, reply);
    bool uncertain = uncertain_;
    if (pending_.empty()) uncertain_ = false;
    out_.on_reply(flow_,
                  ReplyEvent{reply_start_, reply, command, latency, greeting, address, abort_pending, uncertain});
    replies_.release();
    if (state_.tls == TlsMode::explicit_auth) {
        encrypted_ = true;
        out_.on_tls(flow_, reply_start_, TlsMode::explicit_auth);
    }
}

void FtpSession::on_gap(Direction dir, Timestamp ts, std::uint64_t length) {
    if (encrypted_) return;
    if (dir == Direction::to_client && replies_.abandon()) finish_reply();
    (dir == Direction::to_server ? client_telnet_ : server_telnet_).reset();
    LineSplitter& lines = dir == Direction::to_server ? client_lines_ : server_lines_;
    lines.gap([&](const Line& line) {
        out_.on_unparsed(flow_, UnparsedEvent{ts, dir, line.text, UnparsedReason::cut_by_gap, line.truncated, {}});
    });
    if (length == 0) {
        // Picked up mid-stream: the server's first reply is no greeting, and
        // the first bytes are no stream start.
        midstream_[static_cast<std::size_t>(dir)] = true;
        return;
    }
    // Which commands the lost bytes held or answered is unknown: pairing
    // across the gap would guess, so replies after it answer nothing known.
    pending_.clear();
    uncertain_ = true;
    out_.on_gap(flow_, ts, dir, length);
}

void FtpSession::on_close(Timestamp ts, CloseReason why) {
    if (!encrypted_) {
        client_lines_.finish([&](const Line& line) { client_line(line, ts); });
        server_lines_.finish([&](const Line& line) { server_line(line, ts); });
        if (replies_.abandon()) finish_reply();
    }
    out_.on_session_end(flow_, ts, why, state_);
}

}  // namespace ftpsniff
