#include "ftpsniff/phrases.hpp"

#include "per_language.hpp"
#include "tsv_reader.hpp"

#include <array>
#include <stdexcept>
#include <vector>

namespace ftpsniff {

namespace {

bool is_code_key(std::string_view key) {
    if (key.size() != 3 || key[0] < '0' || key[0] > '9') return false;
    const bool klass = key.substr(1) == "xx";
    return klass || key.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

Phrases Phrases::parse(std::string_view tsv, std::string_view origin) {
    static constexpr std::array<std::string_view, 2> kColumns = {"key", "text"};
    Phrases out;
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        if (f[0].empty() || f[1].empty()) reader.fail("key and text must not be empty");
        if (!out.text_.emplace(f[0], f[1]).second) reader.fail(fmt::format("key '{}' is listed twice", f[0]));
    }
    return out;
}

namespace {

// data/<base>.tsv in every language, each translation's keys over English's.
std::vector<Phrases> phrases_per_language(std::string_view base) {
    return per_language<Phrases>(base, &Phrases::parse,
                                 [](Phrases& english, std::string_view tsv, std::string_view origin, Lang /*lang*/) {
                                     english.translate(Phrases::parse(tsv, origin), origin);
                                 });
}

}  // namespace

void Phrases::translate(Phrases&& other, std::string_view origin) {
    for (auto& [key, text] : other.text_) {
        auto it = text_.find(key);
        if (it == text_.end()) throw KnowledgeError(fmt::format("{}: no key '{}' in English", origin, key));
        it->second = std::move(text);
    }
}

const Phrases& Phrases::builtin(Lang lang) {
    static const std::vector<Phrases> all = phrases_per_language("explain_phrases");
    return all[static_cast<std::size_t>(lang)];
}

const Phrases& Phrases::transcript(Lang lang) {
    static const std::vector<Phrases> all = phrases_per_language("transcript_phrases");
    return all[static_cast<std::size_t>(lang)];
}

std::string_view Phrases::get(std::string_view key) const {
    auto it = text_.find(key);
    if (it == text_.end()) throw std::out_of_range(fmt::format("no phrase '{}'", key));
    return it->second;
}

std::string_view Phrases::reply_class(int code) const {
    static constexpr std::array<std::string_view, 10> kKeys = {"class_0", "class_1", "class_2", "class_3", "class_4",
                                                               "class_5", "class_6", "class_7", "class_8", "class_9"};
    return get(kKeys[static_cast<std::size_t>(code / 100 % 10)]);
}

std::string_view Phrases::reply_function(int code) const {
    static constexpr std::array<std::string_view, 7> kKeys = {"function_0", "function_1", "function_2", "function_3",
                                                              "function_4", "function_5", "function_6"};
    return get(kKeys[std::min<std::size_t>(static_cast<std::size_t>(code / 10 % 10), 6)]);
}

ReplyTraits ReplyTraits::parse(std::string_view tsv, std::string_view origin) {
    static constexpr std::array<std::string_view, 5> kColumns = {"code", "lines", "login", "next", "source"};
    static constexpr std::array<std::string_view, 3> kLines = {"single", "multi", "either"};
    static constexpr std::array<std::string_view, 6> kLogin = {"connect", "before", "login",
                                                               "after",   "any",    "unprompted"};
    auto one_of = [](auto& set, std::string_view v) { return std::find(set.begin(), set.end(), v) != set.end(); };
    ReplyTraits out;
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        if (!is_code_key(f[0])) reader.fail(fmt::format("code '{}' is neither three digits nor a class", f[0]));
        const bool klass = f[0].substr(1) == "xx";
        if (klass ? (!f[1].empty() || !f[2].empty() || f[3].empty()) : (!one_of(kLines, f[1]) || !one_of(kLogin, f[2])))
            reader.fail(
                "a class needs next alone; a code, lines (single, multi, either) and login (connect, before, "
                "login, after, any, unprompted)");
        if (f[4].empty()) reader.fail("source must not be empty");
        if (!out.rows_.emplace(f[0], ReplyTrait{std::string(f[1]), std::string(f[2]), std::string(f[3])}).second)
            reader.fail(fmt::format("code {} is listed twice", f[0]));
    }
    return out;
}

void ReplyTraits::translate(std::string_view tsv, std::string_view origin) {
    static constexpr std::array<std::string_view, 2> kColumns = {"code", "next"};
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        auto it = rows_.find(f[0]);
        if (it == rows_.end() || it->second.next.empty() || f[1].empty())
            reader.fail(fmt::format("code {} has no English next step to translate", f[0]));
        it->second.next = f[1];
    }
}

const ReplyTraits& ReplyTraits::builtin(Lang lang) {
    static const std::vector<ReplyTraits> all =
        per_language<ReplyTraits>("reply_traits", &ReplyTraits::parse,
                                  [](ReplyTraits& base, std::string_view tsv, std::string_view origin, Lang /*lang*/) {
                                      base.translate(tsv, origin);
                                  });
    return all[static_cast<std::size_t>(lang)];
}

const ReplyTrait* ReplyTraits::find(int code) const {
    auto it = rows_.find(fmt::format("{:03}", code));
    return it == rows_.end() ? nullptr : &it->second;
}

std::string_view ReplyTraits::next(int code) const {
    if (const ReplyTrait* t = find(code); t != nullptr && !t->next.empty()) return t->next;
    auto it = rows_.find(fmt::format("{}xx", code / 100 % 10));
    return it == rows_.end() ? std::string_view() : std::string_view(it->second.next);
}

ClientErrors ClientErrors::parse(std::string_view tsv, std::string_view origin) {
    static constexpr std::array<std::string_view, 5> kColumns = {"code", "name", "meaning", "remedy", "source"};
    ClientErrors out;
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        if (f[0].empty() || f[0].find_first_not_of("0123456789") != std::string_view::npos) {
            reader.fail(fmt::format("code '{}' is not a number", f[0]));
        }
        if (f[1].empty() || f[2].empty() || f[3].empty() || f[4].empty()) reader.fail("a field is empty");
        ClientError e{std::string(f[1]), std::string(f[2]), std::string(f[3]), std::string(f[4])};
        if (!out.rows_.emplace(f[0], std::move(e)).second) reader.fail(fmt::format("code {} is listed twice", f[0]));
    }
    return out;
}

void ClientErrors::translate(std::string_view tsv, std::string_view origin) {
    static constexpr std::array<std::string_view, 3> kColumns = {"code", "meaning", "remedy"};
    TsvReader reader(tsv, origin, kColumns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        auto it = rows_.find(f[0]);
        if (it == rows_.end() || f[1].empty() || f[2].empty()) {
            reader.fail(fmt::format("code {} is not in English, or its meaning or remedy is empty", f[0]));
        }
        it->second.meaning = f[1];
        it->second.remedy = f[2];
    }
}

const ClientErrors& ClientErrors::builtin(Lang lang) {
    static const std::vector<ClientErrors> all =
        per_language<ClientErrors>("client_errors", &ClientErrors::parse,
                                   [](ClientErrors& base, std::string_view tsv, std::string_view origin,
                                      Lang /*lang*/) { base.translate(tsv, origin); });
    return all[static_cast<std::size_t>(lang)];
}

const ClientError* ClientErrors::find(std::string_view code) const {
    auto it = rows_.find(code);
    return it == rows_.end() ? nullptr : &it->second;
}

}  // namespace ftpsniff
