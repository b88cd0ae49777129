// Diagnoses: findings about one reply in its context. Here is when each
// fires, from the reply, the command it answers, the connection's endpoints
// and the data-channel address the exchange announced; what each says is
// data (diagnosis_texts.hpp). Nothing here keeps state.
#pragma once

#include "ftpsniff/command_replies.hpp"
#include "ftpsniff/data_channel.hpp"
#include "ftpsniff/diagnosis_texts.hpp"
#include "ftpsniff/events.hpp"
#include "ftpsniff/reassembly.hpp"
#include "ftpsniff/server_messages.hpp"
#include "ftpsniff/server_software.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

enum class DataMode : std::uint8_t { none, passive, active };

// A session's verdict: its worst finding (the first error, else the first
// warning) and how many of each it had; none: healthy. Findings another one
// explains (data_connection_missing "explained") are not counted.
struct SessionVerdict {
    std::optional<Severity> worst;
    std::string_view id;  // a DiagnosisTexts id, which outlives the run
    std::uint64_t frame = 0;
    std::uint64_t errors = 0;
    std::uint64_t warnings = 0;

    void add(const Diagnosis& d, std::uint64_t at);
};

// What a session showed before a reply, as far as the capture holds it.
struct SessionContext {
    std::optional<ServerSoftware> software;
    DataMode mode = DataMode::none;  // of the last PASV/EPSV/LPSV or PORT/EPRT/LPRT the server accepted
    bool mode_used = false;          // a transfer has ended since then
    // Seen from its start and without a gap: what it does not show was not sent.
    bool whole = true;
    bool logged_in = false;  // a 230 or 232 came
    bool closing = false;    // a 221 or 421 said the server closes the connection
    // The last refused login was the server's policy (login_refused_policy,
    // tls_required), not a wrong name or password.
    bool refused_by_policy = false;
    // The extensions a 211 to FEAT listed (RFC 2389 §3.2), by verb, each
    // between spaces (" EPRT EPSV "); at most kFeatureBytes of them: the list
    // comes from the network and is kept per open session.
    static constexpr std::size_t kFeatureBytes = 256;
    bool features_seen = false;
    std::string features{};
    // The data connection's failure that later replies about it follow
    // from, as "id (frame N)"; cleared when a new one is set up.
    std::string data_cause{};
    // The error the last transfer's final reply named ("disk_full (frame
    // N)") and that reply's frame: a reset or short data connection whose
    // final reply is that frame follows from it.
    std::string transfer_cause{};
    std::uint64_t transfer_cause_frame = 0;
    // The frame of a reply, still to come, that a data connection's reset
    // or short count was reported as the effect of.
    std::uint64_t effect_of_frame = 0;
    // Server lines outside any reply that are no reply: how many, and the
    // first one's frame, the command it came after and its first bytes.
    static constexpr std::size_t kNonReplyKept = 80;
    std::uint64_t non_replies = 0;
    std::uint64_t non_reply_frame = 0;
    std::string non_reply{};
    std::string non_reply_after{};
    SessionVerdict verdict{};
    std::vector<std::string_view> ids_found{};  // each finding's id once (a few dozen exist)
    bool login_failure_counted = false;         // for login_guessing's count of sessions
    std::optional<Timestamp> tls_began{};
    // The representation type of the last TYPE the server accepted ('A',
    // 'I', 'E', 'L'; 0 before any) and that reply's frame.
    char type = 0;
    std::uint64_t type_frame = 0;
    // Files this session's DELE removed since its last change of directory,
    // by argument, with the reply's frame: a few, each short.
    static constexpr std::size_t kDeletedKept = 8;
    static constexpr std::size_t kDeletedPathMax = 256;
    std::vector<std::pair<std::string, std::uint64_t>> deleted{};
    [[nodiscard]] bool lists(std::string_view verb) const {
        return features.find(" " + std::string(verb) + " ") != std::string::npos;
    }
};

struct ReplyFacts {
    int code = 0;
    std::optional<std::string_view> command;  // the verb answered
    std::optional<double> latency_ms;
    const FlowInfo* flow = nullptr;
    // For a reply to PASV, EPSV or LPSV, or to PORT, EPRT or LPRT: the
    // announced address, parsed from the reply or the command's argument.
    std::optional<DataAddressResult> data_address;
    bool abort_pending = false;               // a 426 then is the abort's doing
    bool uncertain = false;                   // which command it answers is a guess
    const SessionContext* session = nullptr;  // before this reply
    std::string_view line{};                  // the reply's first line
    // The server's message the first line holds (server_messages.tsv).
    std::optional<ServerMessages::Match> message{};
    std::string_view argument{};  // of the command answered
};

struct DiagnoseOptions {
    double slow_reply_ms = 5000;
};

// The server's message `facts.line` holds, for the command it answers
// (against a guessed command, only a message any command may get), from the
// session's server software when it is known.
std::optional<ServerMessages::Match> find_message(const ServerMessages& messages, const ReplyFacts& facts);

std::vector<Diagnosis> diagnose(const ReplyFacts& facts, const CommandReplies& table, const DiagnosisTexts& texts,
                                const DiagnoseOptions& opts);

// Findings about a data connection from its TCP evidence: SYNs unanswered
// or refused, a reset or a short transfer, an ABOR, an address the client
// used instead of the announced one (diagnose_data.cpp).
std::vector<Diagnosis> diagnose_data(const DataChannelEvent& data, const FlowInfo& flow, const SessionContext& session,
                                     const DiagnosisTexts& texts);

// Findings only a session's end shows: a TLS handshake that never got as
// far as a command.
std::vector<Diagnosis> diagnose_end(const SessionEndEvent& end, Timestamp at, const SessionContext& session,
                                    const DiagnosisTexts& texts);

// RFC 1918 and RFC 6598 IPv4 ranges, and IPv6 unique local addresses.
bool is_private(const IpAddress& ip);
// The product's settings for `topic`, or every product's when it is unknown.
std::string settings_for(const SessionContext* session, std::string_view topic);

}  // namespace ftpsniff
