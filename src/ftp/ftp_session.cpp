#include "ftpsniff/ftp_session.hpp"

#include <algorithm>
#include <cstring>

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

// The sessions of one thread report one event at a time: where their sink
// offers no slot, they share one event of each kind, whose buffers stay grown.
EventSlots& slots() {
    thread_local EventSlots kept;
    return kept;
}

}  // namespace

template <class Kind, class Fill>
void FtpSession::emit(Timestamp ts, std::uint64_t frame, Fill&& fill) {
    constexpr std::size_t kind = EventSlots::index_of<Kind>();
    Event* ev = out_.slot(kind);
    if (ev == nullptr) ev = &slots().of<Kind>();
    ev->flow = flow_;
    ev->ts = ts;
    ev->frame = frame;
    fill(std::get<kind>(ev->what));
    out_.on(*ev);
}

template <class Kind, class Fill>
void FtpSession::emit(Timestamp ts, Fill&& fill) {
    emit<Kind>(ts, frame(), std::forward<Fill>(fill));
}

std::uint64_t FtpSession::frame() const {
    if (frame_override_) return *frame_override_;
    return limits_.frames == nullptr || closing_late_ ? 0 : limits_.frames->current();
}

void FtpSession::unparsed(Direction dir, Timestamp ts, std::string_view text, bool truncated, UnparsedReason reason) {
    emit<UnparsedEvent>(ts, [&](UnparsedEvent& ev) {
        ev.dir = dir;
        ev.line.assign(text);
        ev.reason = reason;
        ev.truncated = truncated;
        ev.command.reset();
    });
}

FtpSession::FtpSession(const FlowInfo& flow, EventSink& out, AnomalyCounts& anomalies, MemoryBudget& budget,
                       FtpLimits limits, std::shared_ptr<ConnectionMasks> masks)
    : flow_(flow),
      out_(out),
      anomalies_(anomalies),
      limits_(limits),
      client_lines_(limits.max_line, budget),
      server_lines_(limits.max_line, budget),
      replies_(limits.reply, budget),
      masks_(std::move(masks)),
      line_at_{LinePositions(limits.max_line), LinePositions(limits.max_line)} {
    emit<SessionStartEvent>(flow_.first_seen, [](SessionStartEvent&) {});
}

void FtpSession::on_start(Direction dir, std::uint32_t seq) {
    if (masks_) masks_->of(dir == Direction::to_server).start(seq);
}

void FtpSession::report(Direction dir, Timestamp ts, Anomaly what) {
    anomalies_.add(what);
    on_anomaly(dir, ts, what);
}

void FtpSession::on_anomaly(Direction dir, Timestamp ts, Anomaly what) {
    emit<AnomalyEvent>(ts, [&](AnomalyEvent& ev) { ev = {dir, what}; });
}

void FtpSession::check_budget(Direction dir, Timestamp ts) {
    LineSplitter& lines = dir == Direction::to_server ? client_lines_ : server_lines_;
    bool refused = lines.take_refused();
    if (dir == Direction::to_client) refused = replies_.take_refused() || refused;
    if (refused) report(dir, ts, BudgetAnomaly::memory_cap_hit);
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
    auto d = static_cast<std::size_t>(dir);
    const std::uint64_t at = read_[d];
    read_[d] += bytes.size();
    last_frame_[d] = frame();
    (dir == Direction::to_server ? state_.bytes_to_server : state_.bytes_to_client) += bytes.size();
    if (!encrypted_ && starts_with_tls(dir, bytes)) {
        encrypted_ = true;
        state_.tls = TlsMode::implicit;
        emit<TlsEvent>(ts, [](TlsEvent& ev) { ev.mode = TlsMode::implicit; });
    }
    // A 234 ends its chunk: what follows it comes in later ones.
    if (encrypted_) tls_[d].feed(bytes);
    // Once encrypted, the client's lines are still read for -w: a client
    // may go on in plain text after 234, and its PASS must not be written.
    if (!encrypted_ || (masks_ && dir == Direction::to_server)) {
        read_lines(dir, at, bytes, ts);
        check_budget(dir, ts);
    }
    if (masks_) decide();
}

void FtpSession::read_lines(Direction dir, std::uint64_t at, std::span<const std::uint8_t> bytes, Timestamp ts) {
    TelnetFilter& telnet = dir == Direction::to_server ? client_telnet_ : server_telnet_;
    LineSplitter& lines = dir == Direction::to_server ? client_lines_ : server_lines_;
    auto d = static_cast<std::size_t>(dir);
    telnet.feed(bytes, [&](std::span<const std::uint8_t> data) {
        // Telnet hands on views into `bytes`: each has its place in the stream.
        const std::uint64_t data_at = at + static_cast<std::uint64_t>(data.data() - bytes.data());
        if (masks_) {
            mask_removed(dir, data_at);
            handed_[d] = data_at + data.size();
            line_at_[d].run(data_at, data.size());
        }
        if (telnet.take_unterminated()) report(dir, ts, FtpAnomaly::telnet_subnegotiation_unterminated);
        lines.feed(data, [&](const Line& line) { on_line(dir, line, data_at + line.end, ts); });
    });
}

// Telnet's commands are a few bytes; a longer run it removed (a
// subnegotiation) was read by nobody and may hold anything: -w leaves it
// out, so what it writes reads as the session read it.
void FtpSession::mask_removed(Direction dir, std::uint64_t upto) {
    auto d = static_cast<std::size_t>(dir);
    constexpr std::uint64_t kLongestCommand = 3;  // IAC WILL <option>
    if (upto > handed_[d] + kLongestCommand) masks_->of(dir == Direction::to_server).replace(handed_[d], upto, {});
    handed_[d] = upto;
}

std::string_view FtpSession::shown(Direction dir, const Line& line, std::uint64_t end) {
    std::string_view text = dir == Direction::to_server ? mask_client_line(line, end) : mask_server_line(line, end);
    if (masks_ && limits_.rewriter != nullptr) {
        // The whole line as shown, anonymized, takes the place of the
        // line and of what was masked in it.
        std::string_view rewritten = limits_.rewriter->rewrite(text, dir == Direction::to_server);
        if (rewritten != text) mask_in_stream(dir, line, end, {0, line.text.size()}, std::string(rewritten));
    }
    if (masks_) line_at_[static_cast<std::size_t>(dir)].restart(end);
    return text;
}

void FtpSession::on_line(Direction dir, const Line& line, std::uint64_t end, Timestamp ts) {
    Line masked = line;
    masked.text = shown(dir, line, end);
    if (encrypted_) return;
    if (dir == Direction::to_server) {
        client_line(masked, ts);
    } else {
        server_line(masked, ts);
    }
}

std::string_view FtpSession::mask_client_line(const Line& line, std::uint64_t end) {
    ClientLineContext context{line.after_gap, password_may_follow_, limits_.known_verb};
    password_may_follow_ = false;
    if (limits_.show_passwords) return line.text;
    auto no_secret = [&]() -> std::string_view {
        // What a cut line does not show may still be one (PASS pushed past
        // the cap by blanks, or its argument): -w writes it masked.
        if (line.truncated) mask_in_stream(Direction::to_server, line, end, {line.text.size(), line.text.size()});
        if (passwords_.empty()) return line.text;
        // A password sent before, typed again where none is expected (at
        // the user-name prompt after a failed login, say).
        echoes_.clear();
        for (const std::string& password : passwords_) echo_columns(line.text, password, echoes_);
        if (echoes_.empty()) return line.text;
        merge_columns(echoes_);
        for (Columns c : echoes_) mask_in_stream(Direction::to_server, line, end, c);
        return mask_columns(line.text, echoes_, masked_);
    };
    // Most lines start with a verb that hides nothing and hold no bare CR:
    // secret_from() would say no.
    if (!context.start_missing && !context.password_may_follow && !line.text.empty()) {
        char c = static_cast<char>(line.text[0] & ~0x20);  // upper case, for letters
        bool may = c == 'P' || c == 'A' || c == 'S' || static_cast<unsigned char>(line.text[0]) <= 0x20 ||
                   std::memchr(line.text.data(), '\r', line.text.size()) != nullptr;
        if (!may) return no_secret();
    }
    auto from = secret_from(line.text, context);
    if (!from) return no_secret();
    remember_password(line.text, *from);
    Columns secret{*from, line.text.size()};
    mask_in_stream(Direction::to_server, line, end, secret);
    return mask_columns(line.text, {&secret, 1}, masked_);
}

// A password to look for in replies: what was masked; for a line whose
// start was lost that starts like PASS, what follows PASS.
void FtpSession::remember_password(std::string_view line, std::size_t from) {
    std::string_view secret = line.substr(from);
    if (from == 0) {
        if (auto arg = secret_from(line, ClientLineContext{})) secret = line.substr(*arg);
    }
    if (secret.size() < kShortestEchoed) return;
    if (passwords_.size() == kPasswordsKept) passwords_.erase(passwords_.begin());
    passwords_.emplace_back(secret);
}

// Where a password appears in a server line: the last few sent, and the
// one a client line still open may hold (a capture can show the reply first).
void FtpSession::find_echoes(const Line& line) {
    echoes_.clear();
    auto look_for = [&](std::string_view password) {
        if (line.text.size() >= password.size() &&
            std::memchr(line.text.data(), password[0], line.text.size() - password.size() + 1) != nullptr) {
            echo_columns(line.text, password, echoes_);
        }
        // A cut line may end inside it.
        if (!line.truncated) return;
        for (std::size_t k = std::min(password.size() - 1, line.text.size()); k >= kShortestEchoed; --k) {
            if (line.text.substr(line.text.size() - k) == password.substr(0, k)) {
                echoes_.emplace_back(line.text.size() - k, line.text.size());
                break;
            }
        }
    };
    for (const std::string& password : passwords_) look_for(password);
    std::string_view open = client_lines_.partial();
    if (!open.empty()) {
        if (auto arg = secret_from(open, ClientLineContext{}); arg && open.size() - *arg >= kShortestEchoed) {
            look_for(open.substr(*arg));
        }
    }
    merge_columns(echoes_);
}

std::string_view FtpSession::mask_server_line(const Line& line, std::uint64_t end) {
    if (limits_.show_passwords || (passwords_.empty() && client_lines_.partial().empty())) return line.text;
    find_echoes(line);
    // What a cut line does not show may hold the password too.
    if (line.truncated && !passwords_.empty()) mask_in_stream(Direction::to_client, line, end, {0, line.text.size()});
    for (Columns c : echoes_) mask_in_stream(Direction::to_client, line, end, c);
    if (echoes_.empty()) return line.text;
    return mask_columns(line.text, echoes_, masked_);
}

void FtpSession::mask_in_stream(Direction dir, const Line& line, std::uint64_t end, Columns cols, std::string with) {
    if (!masks_) return;
    const LinePositions& at = line_at_[static_cast<std::size_t>(dir)];
    // A range reaching the end of a complete line's text runs to its CR LF;
    // one reaching the end of a cut line's text, to its LF.
    const std::uint64_t line_end = line.complete ? end - 1 : end;
    std::uint64_t to = cols.second < line.text.size()     ? at.boundary(cols.second)
                       : line.truncated || !line.complete ? line_end
                                                          : at.boundary(line.text.size());
    masks_->of(dir == Direction::to_server).replace(at.boundary(cols.first), to, std::move(with));
}

// What -w may write: the client's lines once whole; the server's bytes once
// read, unless its lines may change.
void FtpSession::decide() {
    masks_->to_server.decide_to(line_at_[0].start());
    // Lines once whole when a password may be echoed (one was sent, or a
    // client line is still open), or lines are anonymized; else the bytes
    // Telnet has handed on.
    bool echo = !limits_.show_passwords && (!passwords_.empty() || line_at_[0].start() < read_[0]);
    bool lines = !encrypted_ && (echo || limits_.rewriter != nullptr);
    masks_->to_client.decide_to(lines ? line_at_[1].start() : encrypted_ ? read_[1] : handed_[1]);
}

void FtpSession::client_line(const Line& line, Timestamp ts) {
    if (line.truncated) report(Direction::to_server, ts, FtpAnomaly::line_too_long);
    // A line whose start is missing may be the rest of any command: it is
    // never taken for one.
    auto cmd = line.after_gap ? std::nullopt : parse_command(line.text);
    if (!cmd) {
        auto reason = line.after_gap ? UnparsedReason::fragment_after_gap : UnparsedReason::not_a_command;
        unparsed(Direction::to_server, ts, line.text, line.truncated, reason);
        return;
    }
    ++state_.commands;
    std::string verb = upper_verb(cmd->verb);
    if (pending_.size() >= limits_.max_pending_commands) {
        report(Direction::to_server, ts, FtpAnomaly::pending_commands_cap_hit);
        ++state_.unanswered;
        pending_.pop_front();
        front_started_ = false;
        uncertain_ = true;  // which command the next reply answers is a guess now
    }
    pending_.push_back(verb, cmd->arg, ts);
    emit<CommandEvent>(ts, [&](CommandEvent& ev) {
        ev.verb.assign(verb);
        ev.arg.assign(cmd->arg);
        ev.truncated = line.truncated;
        ev.telnet_interrupt = client_telnet_.take_interrupt();
    });
}

void FtpSession::server_line(const Line& line, Timestamp ts) {
    if (line.truncated) report(Direction::to_client, ts, FtpAnomaly::line_too_long);
    if (!replies_.open()) {
        reply_start_ = ts;
        reply_frame_ = frame();
        // After a gap only a well-formed reply line can be trusted to start
        // at a line boundary.
        if (line.after_gap && !parse_reply_line(line.text)) {
            unparsed(Direction::to_client, ts, line.text, line.truncated, UnparsedReason::fragment_after_gap);
            return;
        }
    }
    switch (replies_.feed(line.text, line.truncated)) {
    case ReplyAssembler::Result::reply: finish_reply(); break;
    case ReplyAssembler::Result::not_a_reply: {
        replied_ = true;
        const bool answers = !pending_.empty();
        if (answers) {
            pending_.pop_front_into(answered_);
            front_started_ = false;
        }
        emit<UnparsedEvent>(ts, [&](UnparsedEvent& ev) {
            ev.dir = Direction::to_client;
            ev.line.assign(line.text);
            ev.reason = UnparsedReason::not_a_reply;
            ev.truncated = line.truncated;
            if (answers) {
                ev.command = answered_.verb;
            } else {
                ev.command.reset();
            }
        });
        break;
    }
    case ReplyAssembler::Result::pending: break;
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
        front_started_ = true;
    } else if (front_started_ && reply.code / 10 == 50 && pending_.second_verb() == "ABOR") {
        // A syntax error while a transfer runs answers the ABOR sent during
        // it, not the transfer (vsftpd refuses an ABOR line that lacks the
        // Telnet IP and Synch of RFC 959 §4.1.3, and the transfer goes on).
        pending_.pop_second_into(answered_);
    } else {
        pending_.pop_front_into(answered_);
        front_started_ = false;
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
    // The server asks for a password (331) or an account (332): the next
    // line may be one, whatever verb it starts with.
    if (reply.code == 331 || reply.code == 332) password_may_follow_ = true;
    // Before a CWD's own success moves the directory it names.
    std::optional<std::string> path;
    if (command) path = state_.path_of(*command, answered_.arg);
    if (command && reply.code / 100 != 1) state_.on_final_reply(*command, answered_.arg, reply);
    bool uncertain = uncertain_;
    if (pending_.empty()) uncertain_ = false;
    emit<ReplyEvent>(reply_start_, reply_frame_, [&](ReplyEvent& ev) {
        replies_.hand_over(ev.reply);  // from here on `reply` no longer holds this reply
        if (command) {
            ev.command = *command;
            ev.argument.assign(answered_.arg);
        } else {
            ev.command.reset();
            ev.argument.clear();
        }
        ev.path.assign(path ? *path : std::string());
        ev.latency_ms = latency;
        ev.greeting = greeting;
        ev.data_address = address;
        ev.abort_pending = abort_pending;
        ev.uncertain = uncertain;
    });
    replies_.release();
    if (state_.tls == TlsMode::explicit_auth) {
        encrypted_ = true;
        emit<TlsEvent>(reply_start_, reply_frame_, [](TlsEvent& ev) { ev.mode = TlsMode::explicit_auth; });
    }
}

void FtpSession::on_gap(Direction dir, Timestamp ts, std::uint64_t length) {
    auto d = static_cast<std::size_t>(dir);
    if (!encrypted_ && dir == Direction::to_client && replies_.abandon()) finish_reply();
    TelnetFilter& telnet = dir == Direction::to_server ? client_telnet_ : server_telnet_;
    telnet.reset();
    LineSplitter& lines = dir == Direction::to_server ? client_lines_ : server_lines_;
    lines.gap([&](const Line& line) {
        std::string_view text = shown(dir, line, read_[d]);
        if (encrypted_) return;
        unparsed(dir, ts, text, line.truncated, UnparsedReason::cut_by_gap);
    });
    // Bytes the session never read may hold anything.
    if (masks_) {
        mask_removed(dir, read_[d]);
        if (length > 0) masks_->of(dir == Direction::to_server).add(read_[d], read_[d] + length);
        handed_[d] = read_[d] + length;
        line_at_[d].restart(read_[d] + length);
    }
    read_[d] += length;
    if (encrypted_) tls_[d].lose();
    // A 331 or the start of a PASS line may have been lost.
    password_may_follow_ = true;
    if (masks_) decide();
    if (encrypted_) return;
    if (length == 0) {
        // Picked up mid-stream: the server's first reply is no greeting, and
        // the first bytes are no stream start.
        midstream_[d] = true;
        return;
    }
    // Which commands the lost bytes held or answered is unknown: pairing
    // across the gap would guess, so replies after it answer nothing known.
    pending_.clear();
    front_started_ = false;
    uncertain_ = true;
    emit<GapEvent>(ts, [&](GapEvent& ev) { ev = {dir, length}; });
}

void FtpSession::on_close(Timestamp ts, CloseReason why) {
    // A line the close ends came with its direction's last bytes.
    frame_override_ = last_frame_[0];
    client_lines_.finish([&](const Line& line) { on_line(Direction::to_server, line, read_[0], ts); });
    frame_override_ = last_frame_[1];
    server_lines_.finish([&](const Line& line) { on_line(Direction::to_client, line, read_[1], ts); });
    frame_override_.reset();
    // A FIN closes the connection as its packet is read; the other reasons
    // come later, with some other frame (or none) being read.
    closing_late_ = why != CloseReason::fin;
    if (!encrypted_ && replies_.abandon()) finish_reply();
    if (masks_) {
        mask_removed(Direction::to_server, read_[0]);
        if (!encrypted_) mask_removed(Direction::to_client, read_[1]);
        masks_->to_server.decide_to(read_[0]);
        masks_->to_client.decide_to(read_[1]);
        masks_->closed = true;
        masks_->closed_at = ts;
    }
    state_.tls_records_to_server = tls_[0].records();
    state_.tls_records_to_client = tls_[1].records();
    state_.tls_alerts = tls_[0].alerts() + tls_[1].alerts();
    state_.tls_readable = tls_[0].readable();
    state_.unanswered += pending_.size();
    if (!pending_.empty()) state_.first_unanswered = pending_.front().verb;
    emit<SessionEndEvent>(ts, [&](SessionEndEvent& ev) {
        ev.why = why;
        ev.state = state_;
    });
}

}  // namespace ftpsniff
