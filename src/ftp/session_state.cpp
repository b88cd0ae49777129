#include "ftpsniff/session_state.hpp"

#include <algorithm>
#include <array>
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

// A verb of three or four letters as one number, for a switch; 0 for any
// other, which names none of the commands tracked here.
constexpr std::uint32_t verb_key(std::string_view verb) {
    auto at = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(verb[i])); };
    switch (verb.size()) {
    case 3: return at(0) << 16 | at(1) << 8 | at(2);
    case 4: return at(0) << 24 | at(1) << 16 | at(2) << 8 | at(3);
    default: return 0;
    }
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
    std::uint32_t key = verb_key(verb);
    // REST applies to the command right after it only (RFC 3659 §5.3).
    if (key != verb_key("REST")) rest_offset.reset();
    if (key != verb_key("RNFR")) rename_from.reset();

    switch (key) {
    case verb_key("USER"):
        // A refused change of user leaves the session logged in as before
        // (vsftpd "530 Can't change to another user.").
        if (login == LoginState::logged_in && code / 100 != 2 && code / 100 != 3) break;
        user = std::string(arg);
        login = code == 230 || code == 232 ? LoginState::logged_in
                : code / 100 == 3          ? LoginState::user_sent
                : code == 530              ? LoginState::failed
                                           : login;
        break;
    case verb_key("PASS"):
    case verb_key("ACCT"):
        if (code == 230 || code == 202) login = LoginState::logged_in;
        if (code == 530) login = LoginState::failed;
        break;
    case verb_key("TYPE"):
        if (ok) type = upper_verb(arg);
        break;
    case verb_key("CWD"):
    case verb_key("XCWD"):
        if (ok) cwd = resolve(cwd, arg);
        break;
    case verb_key("CDUP"):
    case verb_key("XCUP"):
        if (ok) cwd = resolve(cwd, "..");
        break;
    case verb_key("PWD"):
    case verb_key("XPWD"):
        if (code == 257) cwd = quoted_path(reply.text());
        break;
    case verb_key("REST"):
        if (code == 350) {
            std::uint64_t offset = 0;
            auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), offset);
            if (ec == std::errc() && end == arg.data() + arg.size()) rest_offset = offset;
        }
        break;
    case verb_key("RNFR"):
        if (code == 350) rename_from = std::string(arg);
        break;
    case verb_key("AUTH"):
        if (code == 234) tls = TlsMode::explicit_auth;
        break;
    case verb_key("REIN"):
        if (code == 220) {
            // REIN flushes the login and the settings that came with it (RFC 959 §4.1.1).
            user.clear();
            login = LoginState::none;
            type.clear();
            cwd.reset();
        }
        break;
    default: break;
    }
}

bool takes_path(std::string_view verb) {
    static constexpr std::array<std::string_view, 18> kVerbs = {"RETR", "STOR", "STOU", "APPE", "DELE", "RMD",
                                                                "MKD",  "CWD",  "SIZE", "MDTM", "RNFR", "RNTO",
                                                                "LIST", "NLST", "MLSD", "MLST", "XMKD", "XRMD"};
    return std::find(kVerbs.begin(), kVerbs.end(), verb) != kVerbs.end();
}

std::optional<std::string> SessionState::path_of(std::string_view verb, std::string_view arg) const {
    // LIST and NLST take ls options ("-la") where a path could be.
    if (arg.empty() || arg.front() == '-' || !takes_path(verb)) return std::nullopt;
    return resolve(cwd, arg);
}

}  // namespace ftpsniff
