// Diagnoses: findings about one reply in its context. Here is when each
// fires, from the reply, the command it answers, the connection's endpoints
// and the data-channel address the exchange announced; what each says is
// data (diagnosis_texts.hpp). Nothing here keeps state.
#pragma once

#include "ftpsniff/command_replies.hpp"
#include "ftpsniff/data_channel.hpp"
#include "ftpsniff/diagnosis_texts.hpp"
#include "ftpsniff/reassembly.hpp"
#include "ftpsniff/server_software.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

enum class DataMode : std::uint8_t { none, passive, active };

// What a session showed before a reply, as far as the capture holds it.
struct SessionContext {
    std::optional<ServerSoftware> software;
    DataMode mode = DataMode::none;  // of the last PASV/EPSV/LPSV or PORT/EPRT/LPRT the server accepted
    bool mode_used = false;          // a transfer has ended since then
    // Seen from its start and without a gap: what it does not show was not sent.
    bool whole = true;
    bool logged_in = false;  // a 230 or 232 came
    // The last refused login was the server's policy (login_refused_policy,
    // tls_required), not a wrong name or password.
    bool refused_by_policy = false;
    // The extensions a 211 to FEAT listed (RFC 2389 §3.2), by verb, each
    // between spaces (" EPRT EPSV "); at most kFeatureBytes of them: the list
    // comes from the network and is kept per open session.
    static constexpr std::size_t kFeatureBytes = 256;
    bool features_seen = false;
    std::string features{};
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
};

struct DiagnoseOptions {
    double slow_reply_ms = 5000;
};

std::vector<Diagnosis> diagnose(const ReplyFacts& facts, const CommandReplies& table, const DiagnosisTexts& texts,
                                const DiagnoseOptions& opts);

}  // namespace ftpsniff
