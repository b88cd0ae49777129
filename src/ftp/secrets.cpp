#include "ftpsniff/secrets.hpp"

#include "ftpsniff/stream_masks.hpp"

#include <algorithm>
#include <cstring>

namespace ftpsniff {

namespace {

// Space, tab and the other control bytes some servers skip before a verb.
bool is_blank(char c) { return static_cast<unsigned char>(c) <= 0x20; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// A verb no FTP command has more letters than.
constexpr std::size_t kLongestVerb = 4;

bool is_known(std::string_view verb, KnownVerb known) {
    if (known == nullptr || verb.size() > kLongestVerb) return false;
    char up[kLongestVerb];
    for (std::size_t i = 0; i < verb.size(); ++i) up[i] = upper(verb[i]);
    return known(std::string_view(up, verb.size()));
}

}  // namespace

namespace {

bool starts_with(std::string_view line, std::size_t at, std::string_view word) {
    if (line.size() - at < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (upper(line[at + i]) != word[i]) return false;
    }
    return true;
}

std::size_t skip_blanks(std::string_view line, std::size_t at) {
    while (at < line.size() && is_blank(line[at])) ++at;
    return at;
}

// Where a secret begins in a command starting at `at`: after PASS (whatever
// separates it), ACCT or SITE PSWD (a password change) and their blanks.
std::optional<std::size_t> argument_secret(std::string_view line, std::size_t at) {
    at = skip_blanks(line, at);
    std::size_t from = std::string_view::npos;
    if (starts_with(line, at, "PASS")) {
        from = at + 4;
    } else if (starts_with(line, at, "ACCT") && at + 4 < line.size() && is_blank(line[at + 4])) {
        from = at + 4;
    } else if (starts_with(line, at, "SITE")) {
        std::size_t word = skip_blanks(line, at + 4);
        if (word > at + 4 && starts_with(line, word, "PSWD")) from = word + 4;
    }
    if (from == std::string_view::npos) return std::nullopt;
    from = skip_blanks(line, from);
    if (from < line.size()) return from;
    return std::nullopt;
}

}  // namespace

std::optional<std::size_t> secret_from(std::string_view line, const ClientLineContext& ctx) {
    if (line.empty()) return std::nullopt;
    if (ctx.start_missing) return 0;
    if (auto at = argument_secret(line, 0)) return at;
    // Some servers end a line at a bare CR: a command after one counts too.
    for (std::size_t cr = line.find('\r'); cr != std::string_view::npos; cr = line.find('\r', cr + 1)) {
        if (auto at = argument_secret(line, cr + 1)) return at;
    }
    if (!ctx.password_may_follow) return std::nullopt;
    std::size_t i = 0;
    while (i < line.size() && is_alpha(line[i])) ++i;
    std::string_view verb = line.substr(0, i);
    bool command = !verb.empty() && (i == line.size() || line[i] == ' ') && is_known(verb, ctx.known_verb);
    if (!command) return 0;
    return std::nullopt;
}

void echo_columns(std::string_view line, std::string_view password, std::vector<Columns>& out) {
    if (password.size() < kShortestEchoed) return;
    // Most lines do not hold the password's first byte at all, and memchr
    // says so for a fraction of memmem's cost per call; after a few false
    // starts memmem takes over, which stays linear on any line.
    constexpr int kFalseStarts = 4;
    int false_starts = 0;
    std::size_t at = 0;
    while (at + password.size() <= line.size()) {
        const char* from = line.data() + at;
        const std::size_t room = line.size() - at;
        const void* hit = nullptr;
        if (false_starts < kFalseStarts) {
            hit = std::memchr(from, password[0], room - password.size() + 1);
            if (hit == nullptr) return;
            if (std::memcmp(hit, password.data(), password.size()) != 0) {
                ++false_starts;
                at = static_cast<std::size_t>(static_cast<const char*>(hit) - line.data()) + 1;
                continue;
            }
        } else {
            hit = memmem(from, room, password.data(), password.size());
            if (hit == nullptr) return;
        }
        std::size_t first = static_cast<std::size_t>(static_cast<const char*>(hit) - line.data());
        out.emplace_back(first, first + password.size());
        at = first + password.size();
    }
}

void merge_columns(std::vector<Columns>& cols) {
    if (cols.size() < 2) return;
    std::sort(cols.begin(), cols.end());
    std::size_t kept = 0;
    for (std::size_t i = 1; i < cols.size(); ++i) {
        if (cols[i].first < cols[kept].second) {
            cols[kept].second = std::max(cols[kept].second, cols[i].second);
        } else {
            cols[++kept] = cols[i];
        }
    }
    cols.resize(kept + 1);
}

std::string_view mask_columns(std::string_view line, std::span<const Columns> cols, std::string& scratch) {
    scratch.clear();
    std::size_t at = 0;
    for (auto [first, last] : cols) {
        scratch.append(line.substr(at, first - at));
        scratch.append(StreamMasks::kMask);
        at = last;
    }
    scratch.append(line.substr(at));
    return scratch;
}

}  // namespace ftpsniff
