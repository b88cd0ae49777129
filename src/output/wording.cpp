#include "wording.hpp"

#include "ftpsniff/escape.hpp"
#include "ftpsniff/ftp_anomaly.hpp"
#include "ftpsniff/output.hpp"

namespace ftpsniff {

using fmt::arg;

std::string_view Wording::counted(std::string_view key, std::uint64_t count) const {
    if (count != 1) return key;
    auto it = phrases_.entries().find(fmt::format("{}.one", key));
    return it != phrases_.entries().end() ? std::string_view(it->first) : key;
}

std::string_view Wording::word(std::string_view group, std::string_view name) const {
    return text(fmt::format("{}.{}", group, name));
}

std::string_view Wording::severity(Severity s) const { return word("severity", severity_name(s)); }
std::string_view Wording::login(LoginState s) const { return word("login", login_state_name(s)); }
std::string_view Wording::tls(TlsMode m) const { return word("tls", tls_mode_name(m)); }
std::string_view Wording::tls_starts(TlsMode m) const {
    return text(m == TlsMode::implicit ? "tls_start.implicit" : "tls_start.explicit");
}
std::string_view Wording::ended(CloseReason why) const { return word("end", close_reason_name(why)); }
std::string_view Wording::unparsed(UnparsedReason why) const { return word("unparsed", unparsed_reason_name(why)); }
std::string_view Wording::anomaly(Anomaly a) const { return word("anomaly", anomaly_name(a)); }

std::string_view Wording::clue(SoftwareClue c) const {
    switch (c) {
    case SoftwareClue::greeting: return text("clue.greeting");
    case SoftwareClue::syst: return text("clue.syst");
    case SoftwareClue::reply: return text("clue.reply");
    }
    return "";
}

std::string Wording::counting(std::string_view key, std::uint64_t count) const {
    return format(counted(key, count), arg("count", count));
}

std::string Wording::frames(const FindingGroup& g) const {
    return format(counted("frames", g.count), arg("first", frame_text(g.first_frame)),
                  arg("last", frame_text(g.last_frame)));
}

std::string Wording::command(std::string_view verb, std::string_view arg) {
    static constexpr std::size_t kShown = 80;
    std::string out(verb);
    if (arg.empty()) return out;
    out += ' ';
    append_escaped(out, arg.substr(0, kShown));
    if (arg.size() > kShown) out += "...";
    return out;
}

void Wording::data_connection(std::string& out, const DataChannelEvent& ev) const {
    const std::string_view mode = text(ev.passive ? "data.passive" : "data.active");
    const std::string command =
        ev.command.empty() ? std::string(text("data.no_transfer")) : Wording::command(ev.command, ev.argument);
    if (!ev.opener) {
        append(out, "data.never_opened", arg("mode", mode), arg("listener", to_string(ev.listener)),
               arg("command", command));
    } else {
        append(out, "data.opened", arg("mode", mode), arg("opener", to_string(*ev.opener)),
               arg("listener", to_string(ev.listener)), arg("command", command));
    }
    data_outcome(out, ev);
}

namespace {

// Whether the connection opened and carried bytes, so their counts mean something.
bool carried(const DataChannelEvent& ev) {
    return ev.opener && ev.end != DataEnd::unanswered && ev.end != DataEnd::refused;
}

}  // namespace

void Wording::data_outcome(std::string& out, const DataChannelEvent& ev) const {
    if (carried(ev)) {
        data_bytes(out, ev);
        out += text("comma");
    }
    data_end(out, ev);
}

void Wording::data_bytes(std::string& out, const DataChannelEvent& ev) const {
    const double ms = millis_between(ev.first, ev.last);
    append(out, "data.to_client", arg("bytes", ev.bytes_to_client));
    if (ev.expected_to_client) append(out, "data.of_expected", arg("expected", *ev.expected_to_client));
    append(out, "data.to_server", arg("bytes", ev.bytes_to_server), arg("ms", ms));
    if (ms > 0)
        append(out, "data.rate", arg("rate", static_cast<double>(ev.bytes_to_client + ev.bytes_to_server) / ms));
}

void Wording::data_end(std::string& out, const DataChannelEvent& ev) const {
    const std::string_view end = word("data_end", data_end_name(ev.end));
    if (ev.opener && !carried(ev)) {
        const double ms = millis_between(ev.first, ev.last);
        append(out, counted("data.syns", ev.syns), arg("syns", ev.syns), arg("seconds", ms / 1000), arg("end", end));
    } else if (carried(ev)) {
        if (ev.tls) fmt::format_to(std::back_inserter(out), "TLS{}", text("comma"));
        const bool closed = ev.end == DataEnd::fin || ev.end == DataEnd::rst;
        if (closed && ev.closed_by != DataSide::none) {
            out += text(fmt::format("data.{}.{}", data_end_name(ev.end),
                                    ev.closed_by == DataSide::client ? "client" : "server"));
        } else {
            out += end;
        }
        if (ev.aborted) out += text("data.after_abor");
        if (ev.stopped_reading != DataSide::none)
            out += text(ev.stopped_reading == DataSide::client ? "data.stopped.client" : "data.stopped.server");
    }
    if (ev.announced) {
        append(out, ev.passive ? "data.announced" : "data.announced_active", arg("address", to_string(*ev.announced)));
    }
}

void Wording::data_step(std::string& arrow, std::string& details, const DataChannelEvent& ev) const {
    const std::string command =
        ev.command.empty() ? std::string(text("data.no_transfer")) : Wording::command(ev.command, ev.argument);
    std::string end = ev.opener ? std::string() : std::string(word("data_end", data_end_name(DataEnd::never_opened)));
    data_end(end, ev);
    append(arrow, "md.diagram_transfer", arg("command", command), arg("outcome", end));
    if (carried(ev)) data_bytes(details, ev);
}

}  // namespace ftpsniff
