// The FTP view of one control connection: splits both directions into lines,
// parses commands and replies, and pairs each reply with the command it
// answers (first in, first out; a 1xx keeps its command open for the final
// reply; the server's first 120/220/421 is the greeting).
#pragma once

#include "ftpsniff/events.hpp"
#include "ftpsniff/ftp_anomaly.hpp"
#include "ftpsniff/ftp_parse.hpp"
#include "ftpsniff/line_positions.hpp"
#include "ftpsniff/line_splitter.hpp"
#include "ftpsniff/pending_commands.hpp"
#include "ftpsniff/reassembly.hpp"
#include "ftpsniff/secrets.hpp"
#include "ftpsniff/session_state.hpp"
#include "ftpsniff/stream_masks.hpp"
#include "ftpsniff/telnet_filter.hpp"
#include "ftpsniff/tls_records.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ftpsniff {

struct FtpLimits {
    std::size_t max_line = 8192;
    ReplyLimits reply;
    std::size_t max_pending_commands = 256;
    bool show_passwords = false;  // else every secret (secrets.hpp) is masked in the events
    KnownVerb known_verb = nullptr;
    LineRewriter* rewriter = nullptr;      // -w --anonymize: lines written anonymized
    const FrameCounter* frames = nullptr;  // numbers each event's frame; none: 0
};

// Every line is masked (secrets.hpp) before it is parsed, so no event
// carries a password; with `masks` the session also records, in stream
// positions, what it masked and how far it has decided, for -w.
class FtpSession : public StreamHandler {
public:
    FtpSession(const FlowInfo& flow, EventSink& out, AnomalyCounts& anomalies, MemoryBudget& budget,
               FtpLimits limits = {}, std::shared_ptr<ConnectionMasks> masks = nullptr);

    void on_start(Direction dir, std::uint32_t seq) override;
    void on_data(Direction dir, Timestamp ts, std::span<const std::uint8_t> bytes) override;
    void on_gap(Direction dir, Timestamp ts, std::uint64_t length) override;
    void on_anomaly(Direction dir, Timestamp ts, Anomaly what) override;
    void on_close(Timestamp ts, CloseReason why) override;

private:
    // Fills this thread's event of that kind with `fill` and hands it on.
    template <class Kind, class Fill>
    void emit(Timestamp ts, Fill&& fill);
    template <class Kind, class Fill>
    void emit(Timestamp ts, std::uint64_t frame, Fill&& fill);
    [[nodiscard]] std::uint64_t frame() const;
    void unparsed(Direction dir, Timestamp ts, std::string_view text, bool truncated, UnparsedReason reason);
    void report(Direction dir, Timestamp ts, Anomaly what);
    void check_budget(Direction dir, Timestamp ts);
    bool starts_with_tls(Direction dir, std::span<const std::uint8_t> bytes);
    void read_lines(Direction dir, std::uint64_t at, std::span<const std::uint8_t> bytes, Timestamp ts);
    // `end`: the stream position just past the line.
    void on_line(Direction dir, const Line& line, std::uint64_t end, Timestamp ts);
    std::string_view mask_client_line(const Line& line, std::uint64_t end);
    std::string_view mask_server_line(const Line& line, std::uint64_t end);
    void remember_password(std::string_view line, std::size_t from);
    void find_echoes(const Line& line);
    // The line as every output shows it; for -w also what replaces it.
    std::string_view shown(Direction dir, const Line& line, std::uint64_t end);
    // Records `cols` of `line` as masked in the stream, or written as
    // `with` (a range reaching the text's end runs to the line's end).
    void mask_in_stream(Direction dir, const Line& line, std::uint64_t end, Columns cols,
                        std::string with = std::string(StreamMasks::kMask));
    void mask_removed(Direction dir, std::uint64_t upto);
    void decide();
    void client_line(const Line& line, Timestamp ts);
    void server_line(const Line& line, Timestamp ts);
    void finish_reply();
    std::optional<std::string_view> pair(const Reply& reply, Timestamp ts, std::optional<double>& latency,
                                         bool& greeting);

    FlowInfo flow_;
    EventSink& out_;
    AnomalyCounts& anomalies_;
    FtpLimits limits_;
    TelnetFilter client_telnet_;
    TelnetFilter server_telnet_;
    LineSplitter client_lines_;
    LineSplitter server_lines_;
    ReplyAssembler replies_;
    Timestamp reply_start_;
    std::uint64_t reply_frame_ = 0;
    bool closing_late_ = false;                    // closed by no packet of its own: its last events have no frame
    std::uint64_t last_frame_[2] = {0, 0};         // per Direction: the frame of its last bytes
    std::optional<std::uint64_t> frame_override_;  // while the close reads each direction's unterminated line
    PendingCommands pending_;
    PendingCommand answered_;     // the command a reply being reported answers
    bool front_started_ = false;  // the oldest pending command got a 1xx: a transfer is running
    SessionState state_;
    bool midstream_[2] = {false, false};  // per Direction: picked up after its start
    bool started_[2] = {false, false};    // per Direction: bytes have been seen
    bool replied_ = false;
    bool encrypted_ = false;
    bool uncertain_ = false;
    TlsRecords tls_[2];  // per Direction, once encrypted

    std::shared_ptr<ConnectionMasks> masks_;
    // Per Direction: the stream position read up to, and where the line
    // being read lies.
    std::uint64_t read_[2] = {0, 0};
    std::uint64_t handed_[2] = {0, 0};  // where what Telnet handed on last ends
    LinePositions line_at_[2];
    bool password_may_follow_ = false;
    static constexpr std::size_t kPasswordsKept = 4;
    std::vector<std::string> passwords_;  // the last ones sent, to find them in replies
    std::string masked_;                  // a line with its secrets masked
    std::vector<Columns> echoes_;
};

}  // namespace ftpsniff
