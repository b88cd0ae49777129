// Output stage: renders sessions, commands and annotated replies for people
// (text) or machines (JSON Lines). Renderers only format; every byte that
// came from the network goes through escape.hpp on its way out.
#pragma once

#include "ftpsniff/annotate.hpp"
#include "ftpsniff/ftp_session.hpp"
#include "ftpsniff/labels.hpp"

#include <array>
#include <map>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ftpsniff {

// Failed logins from one client address, over the whole capture.
struct LoginFailures {
    std::uint64_t failures = 0;
    std::uint64_t sessions = 0;
    std::uint64_t last_session = 0;
};

// Failed logins from one address at which they count as possible guessing.
inline constexpr std::uint64_t kGuessingThreshold = 5;

struct RunSummary {
    std::string source;  // file name, "-" for stdin
    std::string linktype;
    std::uint64_t packets = 0;
    std::uint64_t tcp_packets = 0;
    std::uint64_t ftp_packets = 0;
    std::uint64_t data_packets = 0;  // of the data connections followed
    std::uint64_t sessions = 0;
    std::uint64_t commands = 0;
    std::array<std::uint64_t, 7> replies_by_class{};  // index = first digit; 0 for other
    std::uint64_t gaps = 0;
    AnomalyCounts anomalies;
    std::map<IpAddress, LoginFailures> login_failures;
    std::uint64_t logins_ok = 0;      // sessions that ended logged in
    std::uint64_t logins_failed = 0;  // sessions whose last login attempt failed
    std::map<std::pair<int, std::string>, std::uint64_t> errors;  // 4xx/5xx replies by (code, command)
    std::map<std::string, std::uint64_t, std::less<>> diagnoses;   // by id
    std::optional<std::string> cut;  // where a damaged capture stopped
    std::optional<CaptureStats> kernel;  // a live capture's packet and drop counts
};

enum class DataEnd : std::uint8_t { fin, rst, end_of_capture, never_opened };

// A data connection announced by a session (PASV, EPSV, PORT, ...), once it
// has ended or once its transfer finished without it.
struct DataChannelEvent {
    Timestamp ts;
    bool passive = true;  // the client connected to the server
    std::string command;  // the transfer it served (RETR, LIST, ...), "" if none was seen
    Endpoint listener;
    std::optional<Endpoint> opener;  // none when it never opened
    Timestamp first;
    Timestamp last;
    std::uint64_t bytes_to_server = 0;
    std::uint64_t bytes_to_client = 0;
    DataEnd end = DataEnd::never_opened;
};

class Renderer {
public:
    virtual ~Renderer() = default;
    virtual void session_start(const FlowInfo& flow, Timestamp ts) = 0;
    virtual void command(const FlowInfo& flow, const CommandEvent& ev) = 0;
    virtual void reply(const FlowInfo& flow, const ReplyEvent& ev, const Annotation& note) = 0;
    virtual void unparsed(const FlowInfo& flow, const UnparsedEvent& ev) = 0;
    virtual void gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) = 0;
    virtual void anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) = 0;
    virtual void tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) = 0;
    virtual void data_channel(const FlowInfo& flow, const DataChannelEvent& ev) = 0;
    virtual void session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) = 0;
    virtual void summary(const RunSummary& run) = 0;
};

enum class Format : std::uint8_t { text, json, markdown };

struct RenderOptions {
    Lang lang = Lang::en;  // headings and labels of the transcript; JSON keys never change
    bool color = false;    // ANSI colors by reply class in the transcript
    bool flush_each = false;  // write every record at once (live capture into a pipe)
};

// `out` receives the transcript or JSON Lines; `notes` the text summary.
std::unique_ptr<Renderer> make_renderer(Format format, std::FILE* out, std::FILE* notes, const RenderOptions& opts);

// A reply-code pattern: "530", "55x" or "5xx".
struct CodePattern {
    int value = 0;
    int digits = 3;  // how many leading digits must match
    [[nodiscard]] bool matches(int code) const;
};
std::optional<CodePattern> parse_code_pattern(std::string_view text);

// What --errors, --session and --code keep.
struct OutputFilter {
    bool errors_only = false;  // 4xx/5xx replies, replies with diagnoses, gaps, anomalies
    std::optional<std::uint64_t> session;
    std::vector<CodePattern> codes;  // replies whose code matches one
    [[nodiscard]] bool active() const { return errors_only || session || !codes.empty(); }
};

// Hands every event to both renderers (a format and the --report document).
std::unique_ptr<Renderer> make_tee(std::unique_ptr<Renderer> a, std::unique_ptr<Renderer> b);

// Passes on to `inner` only what the filter keeps; the summary always.
std::unique_ptr<Renderer> make_filter(std::unique_ptr<Renderer> inner, OutputFilter filter);

// Shared by the renderers.
std::string_view close_reason_name(CloseReason why);
std::string_view unparsed_reason_name(UnparsedReason why);
std::string_view direction_name(Direction dir);
std::string_view data_end_name(DataEnd end);

struct ErrorCount {
    int code;
    std::string_view command;  // "" when it answered none
    std::uint64_t count;
};
// The most frequent 4xx/5xx replies, most first.
std::vector<ErrorCount> top_errors(const RunSummary& run, std::size_t most = 5);

}  // namespace ftpsniff
