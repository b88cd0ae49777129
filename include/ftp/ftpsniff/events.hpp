// What the FTP stage reports about each session, as one type: an Event is
// the session it belongs to, when, and one of the kinds below. Each kind owns
// its values, so an event can be kept, copied or handed to another thread
// as it is. A sink that cares about one kind handles that kind alone.
#pragma once

#include "ftpsniff/data_channel.hpp"
#include "ftpsniff/frame_counter.hpp"
#include "ftpsniff/ftp_anomaly.hpp"
#include "ftpsniff/ftp_parse.hpp"
#include "ftpsniff/reassembly.hpp"
#include "ftpsniff/session_state.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace ftpsniff {

struct SessionStartEvent {};

struct CommandEvent {
    std::string verb;  // upper case
    std::string arg;   // as sent
    bool truncated = false;
    bool telnet_interrupt = false;  // a Telnet IP came before it (RFC 959 §4.1.3, sent before ABOR)
};

struct ReplyEvent {
    Reply reply;                         // the event's time and frame are its first line's
    std::optional<std::string> command;  // verb answered; none for greeting or unsolicited
    std::string argument;                // of the command answered, as sent (a password masked)
    // The argument of a command that names a file or directory, as an
    // absolute path from the session's working directory; "" when the
    // command names none or the directory is not known.
    std::string path;
    std::optional<double> latency_ms;  // from that command to the first line
    bool greeting = false;
    // For a reply to PASV, EPSV or LPSV, or to PORT, EPRT or LPRT: the data
    // connection's address, from the reply or from the command's argument.
    std::optional<DataAddressResult> data_address;
    bool abort_pending = false;  // the client has sent ABOR and awaits its answer
    // After a gap, until client and server are in step again (a reply leaves
    // no command waiting), which command a reply answers is a guess.
    bool uncertain = false;
};

enum class UnparsedReason : std::uint8_t {
    not_a_command,       // client line that is no FTP command
    not_a_reply,         // server line outside any reply that is no reply line
    fragment_after_gap,  // the rest of a line whose start the capture lost
    cut_by_gap           // the start of a line whose rest the capture lost
};

struct UnparsedEvent {
    Direction dir = Direction::to_server;
    std::string line;
    UnparsedReason reason = UnparsedReason::not_a_command;
    bool truncated = false;
    // A server line that is no reply still takes the place of the answer to
    // the oldest pending command (it is what the server said instead).
    std::optional<std::string> command;
};

struct GapEvent {
    Direction dir = Direction::to_server;
    std::uint64_t length = 0;
};

// A named problem in this session (already counted in the run's totals).
struct AnomalyEvent {
    Direction dir = Direction::to_server;
    Anomaly what{};
};

// The rest of the connection is TLS (after AUTH and 234, or from its first
// byte on the control port): nothing more is parsed.
struct TlsEvent {
    TlsMode mode = TlsMode::none;
};

// How a data connection ended: both FINs, a RST after its handshake, still
// open when the capture or its session ended; or it never got going: no
// packet of it in the capture, SYNs nobody answered, a RST answering the SYN.
enum class DataEnd : std::uint8_t { fin, rst, end_of_capture, never_opened, unanswered, refused, open_at_session_end };

// Which end of the FTP session acted on a data connection.
enum class DataSide : std::uint8_t { none, client, server };

// A data connection announced by a session (PASV, EPSV, PORT, ...), once it
// has ended or once its transfer finished without it; the event's time is
// when it ended.
struct DataChannelEvent {
    bool passive = true;   // the client connected to the server
    std::string command;   // the transfer it served (RETR, LIST, ...), "" if none was seen
    std::string argument;  // that command's argument, as sent
    std::string path;      // and as an absolute path, "" when not known (ReplyEvent::path)
    Endpoint listener;     // where the SYNs went
    // The address the session announced, when the connection went to
    // another one (a client replacing an unusable PASV address).
    std::optional<Endpoint> announced;
    std::optional<Endpoint> opener;  // none when it never opened
    Timestamp first;
    Timestamp last;
    std::uint64_t bytes_to_server = 0;
    std::uint64_t bytes_to_client = 0;
    DataEnd end = DataEnd::never_opened;
    std::uint32_t syns = 0;                     // SYNs the opener sent, retransmissions included
    DataSide closed_by = DataSide::none;        // who sent the first FIN, or the RST
    bool tls = false;                           // it began with a TLS handshake
    DataSide stopped_reading = DataSide::none;  // its last packet advertised a zero window
    bool started = false;                       // a 125 or 150 said its transfer was starting
    bool aborted = false;                       // the client sent ABOR while it was open
    // For a download, the bytes the server said it would send: the size in
    // its 150 reply or in a 213 to SIZE of the same file, less a REST offset.
    std::optional<std::uint64_t> expected_to_client{};
    // The final reply to its transfer (226, 426, 451, ...) and that reply's
    // frame, when it came before this event; 0 when none did.
    int final_reply = 0;
    std::uint64_t final_frame = 0;
};

struct SessionEndEvent {
    CloseReason why = CloseReason::end_of_capture;
    SessionState state;
};

using EventKind = std::variant<SessionStartEvent, CommandEvent, ReplyEvent, UnparsedEvent, GapEvent, AnomalyEvent,
                               TlsEvent, DataChannelEvent, SessionEndEvent>;

struct Event {
    FlowInfo flow;
    Timestamp ts;
    EventKind what;
    std::uint64_t frame = 0;  // the frame that carried it (frame_counter.hpp); 0: none did
};

// Calls f(event, the event's kind) with the kind's own type.
template <class F>
decltype(auto) visit_event(const Event& ev, F&& f) {
    return std::visit([&](const auto& kind) -> decltype(auto) { return f(ev, kind); }, ev.what);
}

class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void on(const Event& ev) = 0;
    // Where a producer may build its next event of kind `kind` (the
    // variant's index), already holding that kind, so a sink that keeps
    // events takes it without a copy; null: build it anywhere. The producer
    // fills every member and hands it to on() before any other event of
    // that kind reaches this sink.
    virtual Event* slot(std::size_t /*kind*/) { return nullptr; }
};

// One event of each kind, kept for reuse: filling one reuses the buffers
// the last event of its kind grew, so making an event allocates nothing
// once they have grown.
class EventSlots {
public:
    template <class Kind>
    Kind& fill(const FlowInfo& flow, Timestamp ts, std::uint64_t frame = 0) {
        Event& ev = of<Kind>();
        ev.flow = flow;
        ev.ts = ts;
        ev.frame = frame;
        return std::get<Kind>(ev.what);
    }
    template <class Kind>
    Event& of() {
        return slots_[index_of<Kind>()];
    }
    // The event of the variant's `kind`th alternative.
    Event& at(std::size_t kind) { return slots_[kind]; }

    template <class Kind, std::size_t I = 0>
    static constexpr std::size_t index_of() {
        if constexpr (std::is_same_v<std::variant_alternative_t<I, EventKind>, Kind>) {
            return I;
        } else {
            return index_of<Kind, I + 1>();
        }
    }

private:
    template <std::size_t... I>
    static std::array<Event, sizeof...(I)> one_of_each(std::index_sequence<I...> /*kinds*/) {
        return {Event{{}, {}, EventKind(std::in_place_index<I>)}...};
    }
    std::array<Event, std::variant_size_v<EventKind>> slots_ =
        one_of_each(std::make_index_sequence<std::variant_size_v<EventKind>>());
};

}  // namespace ftpsniff
