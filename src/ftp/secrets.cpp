#include "ftpsniff/secrets.hpp"

#include "ftpsniff/stream_masks.hpp"

#include <cstring>

namespace ftpsniff {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
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

std::optional<std::size_t> secret_from(std::string_view line, const ClientLineContext& ctx) {
    if (line.empty()) return std::nullopt;
    if (ctx.start_missing) return 0;
    std::size_t verb_at = 0;
    while (verb_at < line.size() && is_blank(line[verb_at])) ++verb_at;
    if (line.size() - verb_at >= 4 && upper(line[verb_at]) == 'P' && upper(line[verb_at + 1]) == 'A' &&
        upper(line[verb_at + 2]) == 'S' && upper(line[verb_at + 3]) == 'S') {
        // Servers differ in what separates the argument: everything after
        // "PASS" but the blanks is taken as the password.
        std::size_t at = verb_at + 4;
        while (at < line.size() && is_blank(line[at])) ++at;
        if (at < line.size()) return at;
        return std::nullopt;
    }
    if (!ctx.password_may_follow) return std::nullopt;
    std::size_t i = verb_at;
    while (i < line.size() && is_alpha(line[i])) ++i;
    std::string_view verb = line.substr(verb_at, i - verb_at);
    bool command = verb_at == 0 && !verb.empty() && (i == line.size() || line[i] == ' ') &&
                   is_known(verb, ctx.known_verb);
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
