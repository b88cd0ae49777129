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
    std::size_t i = 0;
    while (i < line.size() && is_blank(line[i])) ++i;
    const std::size_t verb_at = i;
    while (i < line.size() && is_alpha(line[i])) ++i;
    std::string_view verb = line.substr(verb_at, i - verb_at);
    if (verb.size() >= 4 && upper(verb[0]) == 'P' && upper(verb[1]) == 'A' && upper(verb[2]) == 'S' &&
        upper(verb[3]) == 'S') {
        // Servers differ in what separates the argument: everything after
        // "PASS" but the blanks is taken as the password.
        std::size_t at = verb_at + 4;
        while (at < line.size() && is_blank(line[at])) ++at;
        if (at < line.size()) return at;
        return std::nullopt;
    }
    if (ctx.password_may_follow) {
        bool command = verb_at == 0 && !verb.empty() && (i == line.size() || line[i] == ' ') &&
                       is_known(verb, ctx.known_verb);
        if (!command) return 0;
    }
    return std::nullopt;
}

void echo_columns(std::string_view line, std::string_view password, std::vector<Columns>& out) {
    if (password.size() < kShortestEchoed) return;
    std::size_t at = 0;
    while (at + password.size() <= line.size()) {
        // memmem is linear in both lengths (glibc's two-way search).
        const void* hit = memmem(line.data() + at, line.size() - at, password.data(), password.size());
        if (hit == nullptr) return;
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
