#include "ftpsniff/server_messages.hpp"
#include "ftpsniff/session_state.hpp"

#include "per_language.hpp"
#include "tsv_reader.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>

namespace ftpsniff {

namespace {

constexpr std::array<std::string_view, 10> kColumns = {"code",    "text",     "after",   "product", "id",
                                                       "variant", "settings", "meaning", "remedy",  "source"};
constexpr std::array<std::string_view, 6> kTranslationColumns = {"code",    "text",    "after",
                                                                 "product", "meaning", "remedy"};

int parse_code(TsvReader& reader, std::string_view code) {
    if (code == "any") return ServerMessage::kAnyCode;
    if (code.size() != 3 || code.find_first_not_of("0123456789") != std::string_view::npos) {
        reader.fail(fmt::format("code '{}' is not three digits", code));
    }
    return (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
}

void check_after(TsvReader& reader, std::string_view after) {
    if (!valid_verb(after) && after != "login" && after != "path" && after != "*") {
        reader.fail(fmt::format("after '{}' is not a verb, login, path or *", after));
    }
}

bool applies(const ServerMessage& m, std::string_view verb) {
    if (m.after == "*" || m.after == verb) return true;
    if (m.after == "login") return verb == "USER" || verb == "PASS";
    return m.after == "path" && takes_path(verb);
}

// A server's own words say more than a text several send, words for this
// verb more than words for any, a longer text more than its part.
std::tuple<bool, int, std::size_t> specificity(const ServerMessage& m) {
    const int after = m.after == "*" ? 0 : (m.after == "login" || m.after == "path") ? 1 : 2;
    return {m.product != "*", after, m.text.size()};
}

}  // namespace

ServerMessages ServerMessages::parse(std::string_view tsv, std::string_view origin) {
    ServerMessages out;
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        ServerMessage m;
        m.code = parse_code(reader, f[0]);
        check_after(reader, f[2]);
        m.anchored = f[1].starts_with('^');
        m.text = f[1].substr(m.anchored ? 1 : 0);
        if (m.text.empty() || f[3].empty() || f[7].empty() || f[8].empty() || f[9].empty()) {
            reader.fail("text, product, meaning, remedy and source must not be empty");
        }
        if (f[4].empty() && (!f[5].empty() || !f[6].empty())) reader.fail("a variant or settings needs an id");
        m.after = f[2];
        m.product = f[3];
        m.id = f[4];
        m.variant = f[5];
        m.settings = f[6];
        m.meaning = f[7];
        m.remedy = f[8];
        m.source = f[9];
        out.rows_.push_back(std::move(m));
    }
    out.index();
    return out;
}

void ServerMessages::index() {
    std::stable_sort(rows_.begin(), rows_.end(),
                     [](const ServerMessage& a, const ServerMessage& b) { return a.code < b.code; });
    std::size_t at = 0;
    for (int code = 0; code <= 1000; ++code) {
        while (at < rows_.size() && rows_[at].code < code) ++at;
        first_by_code_[static_cast<std::size_t>(code)] = static_cast<std::uint16_t>(at);
    }
}

void ServerMessages::translate(std::string_view tsv, std::string_view origin) {
    using Key = std::tuple<int, std::string_view, std::string_view, std::string_view>;
    std::map<Key, ServerMessage*> by_key;
    for (ServerMessage& m : rows_) {
        by_key.emplace(Key{m.code, m.text, m.after, m.product}, &m);
    }
    TsvReader reader(tsv, origin, kTranslationColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        const int code = parse_code(reader, f[0]);
        std::string_view text = f[1].starts_with('^') ? f[1].substr(1) : f[1];
        auto it = by_key.find(Key{code, text, f[2], f[3]});
        if (it == by_key.end())
            reader.fail(fmt::format("no entry for {} '{}' after {} from {}", f[0], f[1], f[2], f[3]));
        if (f[4].empty() || f[5].empty()) reader.fail("meaning and remedy must not be empty");
        it->second->meaning = f[4];
        it->second->remedy = f[5];
    }
}

void ServerMessages::put_first(const ServerMessages& site) {
    rows_.insert(rows_.begin(), site.rows_.begin(), site.rows_.end());
    index();
}

const ServerMessages& ServerMessages::builtin(Lang lang) {
    static const std::vector<ServerMessages> all =
        per_language<ServerMessages>("server_messages", &ServerMessages::parse,
                                     [](ServerMessages& base, std::string_view tsv, std::string_view origin,
                                        Lang /*lang*/) { base.translate(tsv, origin); });
    return all[static_cast<std::size_t>(lang)];
}

std::optional<ServerMessages::Match> ServerMessages::match(int code, std::string_view verb, std::string_view text,
                                                           const std::string* product) const {
    if (code < 0 || code > 999) return std::nullopt;
    const auto c = static_cast<std::size_t>(code);
    const ServerMessage* best = nullptr;
    const ServerMessage* shared = nullptr;  // the best of the texts several servers send
    bool products_differ = false;           // the words are more than one product's
    for (std::size_t i = first_by_code_[c]; i < first_by_code_[c + 1]; ++i) {
        const ServerMessage& m = rows_[i];
        if (!applies(m, verb)) continue;
        if (product != nullptr && m.product != "*" && m.product != *product) continue;
        // A message may follow a name the server repeats ("<file>: Restart not permitted").
        if (m.anchored ? !text.starts_with(m.text) : text.find(m.text) == std::string_view::npos) continue;
        if (m.product == "*" && (shared == nullptr || specificity(m) > specificity(*shared))) shared = &m;
        if (m.product != "*" && best != nullptr && best->product != "*" && best->product != m.product) {
            products_differ = true;
        }
        if (best == nullptr || specificity(m) > specificity(*best)) best = &m;
    }
    // From a server not identified, words two products send say neither's meaning.
    if (products_differ) best = shared;
    // A line whose code the server did not choose for it, from a server known
    // to send it so ("227 Logout." from Pure-FTPd).
    for (std::size_t i = first_by_code_[ServerMessage::kAnyCode]; best == nullptr && i < rows_.size(); ++i) {
        const ServerMessage& m = rows_[i];
        if (product != nullptr && m.product == *product && applies(m, verb) && text.starts_with(m.text)) best = &m;
    }
    if (best == nullptr) return std::nullopt;
    return Match{best};
}

std::vector<const ServerMessage*> ServerMessages::find(std::string_view line) const {
    std::vector<const ServerMessage*> out;
    if (line.size() < 4) return out;
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (line.substr(0, 3).find_first_not_of("0123456789") != std::string_view::npos) return out;
    std::string_view text = line.substr(4);
    const auto c = static_cast<std::size_t>(code);
    for (std::size_t i = first_by_code_[c]; i < first_by_code_[c + 1]; ++i) {
        const ServerMessage& m = rows_[i];
        if (m.anchored ? text.starts_with(m.text) : text.find(m.text) != std::string_view::npos) out.push_back(&m);
    }
    for (std::size_t i = first_by_code_[ServerMessage::kAnyCode]; i < rows_.size(); ++i) {
        if (text.starts_with(rows_[i].text)) out.push_back(&rows_[i]);
    }
    return out;
}

}  // namespace ftpsniff
