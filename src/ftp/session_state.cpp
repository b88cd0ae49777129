#include "ftpsniff/session_state.hpp"

#include <charconv>

namespace ftpsniff {

namespace {

// `dir` resolved against `cwd` the way a Unix server does; none when the
// result depends on a directory that is not known.
std::optional<std::string> resolve(const std::optional<std::string>& cwd, std::string_view dir) {
    std::string path;
    if (!dir.empty() && dir.front() == '/') {
        path = "/";
    } else if (cwd) {
        path = *cwd;
    } else {
        return std::nullopt;
    }
    if (path.empty()) return std::nullopt;  // 257 "" names no directory (found by fuzz_stream)
    while (!dir.empty()) {
        std::size_t slash = dir.find('/');
        std::string_view part = dir.substr(0, slash);
        dir.remove_prefix(slash == std::string_view::npos ? dir.size() : slash + 1);
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            // A directory PWD named in another form than /a/b has no parent we can know.
            std::size_t last = path.find_last_of('/');
            if (last == std::string::npos) return std::nullopt;
            path.erase(last == 0 ? 1 : last);
            continue;
        }
        if (path.back() != '/') path += '/';
        path += part;
    }
    return path;
}

}  // namespace

std::string_view login_state_name(LoginState s) {
    switch (s) {
    case LoginState::none: return "none";
    case LoginState::user_sent: return "incomplete";
    case LoginState::logged_in: return "ok";
    case LoginState::failed: return "failed";
    }
    return "";
}

std::string_view tls_mode_name(TlsMode m) {
    switch (m) {
    case TlsMode::none: return "none";
    case TlsMode::explicit_auth: return "explicit";
    case TlsMode::implicit: return "implicit";
    }
    return "";
}

std::optional<std::string> quoted_path(std::string_view text) {
    std::size_t open = text.find('"');
    if (open == std::string_view::npos) return std::nullopt;
    std::string path;
    for (std::size_t i = open + 1; i < text.size(); ++i) {
        if (text[i] != '"') {
            path += text[i];
        } else if (i + 1 < text.size() && text[i + 1] == '"') {
            path += '"';
            ++i;
        } else {
            return path;
        }
    }
    return std::nullopt;
}

void SessionState::on_final_reply(std::string_view verb, std::string_view arg, const Reply& reply) {
    int code = reply.code;
    bool ok = code / 100 == 2;
    // REST applies to the command right after it only (RFC 3659 §5.3).
    if (verb != "REST") rest_offset.reset();
    if (verb != "RNFR") rename_from.reset();

    if (verb == "USER") {
        user = std::string(arg);
        login = code == 230 || code == 232 ? LoginState::logged_in
                : code / 100 == 3          ? LoginState::user_sent
                : code == 530              ? LoginState::failed
                                           : login;
    } else if (verb == "PASS" || verb == "ACCT") {
        if (code == 230 || code == 202) login = LoginState::logged_in;
        if (code == 530) login = LoginState::failed;
    } else if (verb == "TYPE" && ok) {
        type = upper_verb(arg);
    } else if ((verb == "CWD" || verb == "XCWD") && ok) {
        cwd = resolve(cwd, arg);
    } else if ((verb == "CDUP" || verb == "XCUP") && ok) {
        cwd = resolve(cwd, "..");
    } else if ((verb == "PWD" || verb == "XPWD") && code == 257) {
        cwd = quoted_path(reply.text());
    } else if (verb == "REST" && code == 350) {
        std::uint64_t offset = 0;
        auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), offset);
        if (ec == std::errc() && end == arg.data() + arg.size()) rest_offset = offset;
    } else if (verb == "RNFR" && code == 350) {
        rename_from = std::string(arg);
    } else if (verb == "AUTH" && code == 234) {
        tls = TlsMode::explicit_auth;
    } else if (verb == "REIN" && code == 220) {
        // REIN flushes the login and the settings that came with it (RFC 959 §4.1.1).
        user.clear();
        login = LoginState::none;
        type.clear();
        cwd.reset();
    }
}

}  // namespace ftpsniff
