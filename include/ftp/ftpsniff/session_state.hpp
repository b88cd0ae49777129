// What is known about an FTP session at a point in time, learnt from the
// commands and the replies that accepted them: the user and whether the login
// worked, TYPE, the working directory (where PWD or absolute paths tell it),
// a REST offset waiting for its transfer, an RNFR waiting for its RNTO, TLS.
#pragma once

#include "ftpsniff/ftp_parse.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ftpsniff {

enum class LoginState : std::uint8_t { none, user_sent, logged_in, failed };
enum class TlsMode : std::uint8_t { none, explicit_auth, implicit };

std::string_view login_state_name(LoginState s);  // "none", "incomplete", "ok", "failed"
std::string_view tls_mode_name(TlsMode m);        // "none", "explicit", "implicit"

struct SessionState {
    std::string user;
    LoginState login = LoginState::none;
    std::string type;                // as the last accepted TYPE set it, e.g. "I"
    std::optional<std::string> cwd;  // absent until it can be known
    std::optional<std::uint64_t> rest_offset;
    std::optional<std::string> rename_from;
    TlsMode tls = TlsMode::none;
    std::uint64_t commands = 0;
    std::uint64_t replies = 0;
    std::uint64_t bytes_to_server = 0;  // control-connection bytes, as delivered in order
    std::uint64_t bytes_to_client = 0;
    // Once TLS began: the records each way (tls_records.hpp), the alerts
    // sent unencrypted, and whether every byte the client sent could be read
    // as records (a server may write a last error in plain text: vsftpd's
    // "500 OOPS: ... alert unknown ca").
    std::uint32_t tls_records_to_server = 0;
    std::uint32_t tls_records_to_client = 0;
    std::uint32_t tls_alerts = 0;
    bool tls_readable = true;
    // At the end: commands that never got a reply (those the pending cap
    // forgot included), and the verb of the oldest of them still known.
    std::uint64_t unanswered = 0;
    std::string first_unanswered;

    // A command got its final (non-1xx) reply.
    void on_final_reply(std::string_view verb, std::string_view arg, const Reply& reply);
    // The file or directory `verb` with `arg` names, as an absolute path
    // from `cwd`; none when it names none or `cwd` is not known.
    [[nodiscard]] std::optional<std::string> path_of(std::string_view verb, std::string_view arg) const;
};

// Commands whose argument names a file or directory (RFC 959 §4.1.3, RFC 3659).
bool takes_path(std::string_view verb);

// The path in a 257 reply: the text between the first quote and the quote
// that closes it, with doubled quotes undone (RFC 959 Appendix II).
std::optional<std::string> quoted_path(std::string_view text);

}  // namespace ftpsniff
