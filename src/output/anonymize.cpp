#include "ftpsniff/anonymize.hpp"

#include "ftpsniff/command_replies.hpp"
#include "ftpsniff/ftp_parse.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <random>

namespace ftpsniff {

namespace {

// Top-level domains that mark a word as a host name.
constexpr std::array<std::string_view, 24> kTlds = {"com",  "net", "org",   "edu", "gov",      "mil",     "int", "io",
                                                    "info", "biz", "local", "lan", "internal", "example", "de",  "uk",
                                                    "fr",   "jp",  "kr",    "cn",  "be",       "nl",      "ru",  "us"};

// 198.18.0.0/15 is set aside for benchmarks: no real peer lives there.
constexpr std::uint32_t kV4Pseudonyms = (1u << 17) - 2;
// Kept for the tables; users past them are remembered only in a Bloom
// filter of this many bits (1 MiB, a false positive in ~20,000 words with
// 100,000 names in it), or a quarter of the tables' cap if that is less.
constexpr std::size_t kMostFilterBits = std::size_t{1} << 23;
// Every name known, users' and the filter's, sets one bit of a table this
// large (128 KiB), so most words are found to be no one's without a lookup.
constexpr int kMostHintShift = 20;

// Character classes, one table lookup each: the scan asks several per byte.
enum : std::uint8_t { kDigit = 1, kAlpha = 2, kHex = 4, kBlank = 8, kEndsName = 16, kAddress = 32, kHost = 64 };
constexpr std::array<std::uint8_t, 256> kClasses = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[c] |= kDigit | kHex | kAddress | kHost;
    for (int c = 'a'; c <= 'z'; ++c) t[c] |= kAlpha | kHost;
    for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kAlpha | kHost;
    for (unsigned char c : {'a', 'b', 'c', 'd', 'e', 'f', 'A', 'B', 'C', 'D', 'E', 'F', ':', '.'}) t[c] |= kAddress;
    for (unsigned char c : {'a', 'b', 'c', 'd', 'e', 'f', 'A', 'B', 'C', 'D', 'E', 'F'}) t[c] |= kHex;
    for (unsigned char c : {'-', '.'}) t[c] |= kHost;
    for (unsigned char c : {' ', '\t', '\r', '\n', '\v', '\f'}) t[c] |= kBlank | kEndsName;
    // What ends a part of a word that may be a user name: "alice" in
    // "alice@host", "DOMAIN\alice", "/home/alice/", "ftp://alice:pw@host",
    // "~alice", "#alice", "$alice".
    for (char c : std::string_view("\"'`()[]{}<>,;|@/\\=:~#%$*+!&")) t[static_cast<unsigned char>(c)] |= kEndsName;
    return t;
}();
bool is(char c, std::uint8_t cls) { return (kClasses[static_cast<unsigned char>(c)] & cls) != 0; }
bool is_digit(char c) { return is(c, kDigit); }
bool is_blank(char c) { return is(c, kBlank); }
bool is_host_char(char c) { return is(c, kHost); }
bool in_address(char c) { return is(c, kAddress); }
bool ends_name(char c) { return is(c, kEndsName); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// What may open or close a word around a user's name: quotes, brackets,
// a sentence's punctuation.
enum : std::uint8_t { kOpens = 1, kCloses = 2 };
constexpr std::array<std::uint8_t, 256> kAround = [] {
    std::array<std::uint8_t, 256> t{};
    for (char c : std::string_view("\"'([{<")) t[static_cast<unsigned char>(c)] |= kOpens;
    for (char c : std::string_view("\"')]}>.,;:!?")) t[static_cast<unsigned char>(c)] |= kCloses;
    return t;
}();

// Bytes alike for every detector's start condition, and which detectors
// may start at a byte of one kind after a byte of another.
enum : std::uint8_t { kWordStart = 1, kV6Start = 2, kNumberStart = 4, kPartStart = 8, kHostStart = 16, kAnyStart = 31 };
constexpr std::string_view kKindExamples = " :@0ag.-^";  // one byte of each kind
constexpr std::uint8_t kind_of(char c) {
    const std::uint8_t cls = kClasses[static_cast<unsigned char>(c)];
    for (std::size_t k = 0; k < kKindExamples.size(); ++k) {
        char e = kKindExamples[k];
        if (kClasses[static_cast<unsigned char>(e)] == cls && (c == ':') == (e == ':'))
            return static_cast<std::uint8_t>(k);
    }
    return 0xff;
}
constexpr std::array<std::uint8_t, 256> kKinds = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) t[static_cast<std::size_t>(c)] = kind_of(static_cast<char>(c));
    return t;
}();
static_assert(std::find(kKinds.begin(), kKinds.end(), 0xff) == kKinds.end(), "every byte is of a kind");
constexpr std::uint8_t starts_between(char prev, char c) {
    auto has = [](char x, std::uint8_t cls) { return (kClasses[static_cast<unsigned char>(x)] & cls) != 0; };
    std::uint8_t s = 0;
    if (has(prev, kBlank) && !has(c, kBlank)) s |= kWordStart;
    // A run glued to a word ("std::string") is that word's.
    if ((has(c, kHex) && !has(prev, kAddress | kAlpha)) || (c == ':' && !has(prev, kAddress))) s |= kV6Start;
    if (has(c, kDigit) && !has(prev, kDigit)) s |= kNumberStart;
    if (!has(c, kEndsName) && has(prev, kEndsName)) s |= kPartStart;
    if (has(c, kDigit | kAlpha) && !has(prev, kHost)) s |= kHostStart;
    return s;
}
constexpr std::size_t kKindCount = kKindExamples.size();
constexpr std::array<std::array<std::uint8_t, kKindCount>, kKindCount> kStarts = [] {
    std::array<std::array<std::uint8_t, kKindCount>, kKindCount> t{};
    for (std::size_t p = 0; p < kKindCount; ++p) {
        for (std::size_t c = 0; c < kKindCount; ++c) t[p][c] = starts_between(kKindExamples[p], kKindExamples[c]);
    }
    return t;
}();

// The unspecified address (0.0.0.0, ::) is no one's: kept, so a diagnosis
// of a server announcing it still reads as one.
bool is_special(const IpAddress& ip) {
    std::size_t n = ip.version == 4 ? 4 : 16;
    return std::all_of(ip.bytes.begin(), ip.bytes.begin() + static_cast<std::ptrdiff_t>(n),
                       [](std::uint8_t b) { return b == 0; });
}

bool is_v4_mapped(const IpAddress& ip) {
    static constexpr std::array<std::uint8_t, 12> kPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return ip.version == 6 && std::equal(kPrefix.begin(), kPrefix.end(), ip.bytes.begin());
}

void append_address(std::string& out, const IpAddress& ip) {
    if (!is_v4_mapped(ip)) return append_to(out, ip);
    out += "::ffff:";
    append_to(out, IpAddress{4, {ip.bytes[12], ip.bytes[13], ip.bytes[14], ip.bytes[15]}});
}

std::string hex32(std::uint64_t h) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s(8, '0');
    for (int i = 7; i >= 0; --i, h >>= 4) s[static_cast<std::size_t>(i)] = kHex[h & 15];
    return s;
}

// What a table entry costs: its slot, doubled for the empty slots a
// growing table keeps, and the heap blocks of long strings.
std::size_t heap_bytes(const std::string& s) { return s.size() > 15 ? s.size() + 1 : 0; }
constexpr std::size_t kAddressEntry = 2 * (sizeof(std::pair<IpAddress, IpAddress>) + 1);
constexpr std::size_t kNameEntry = 2 * (sizeof(std::pair<std::string, std::string>) + 1);

}  // namespace

Anonymizer::Anonymizer(std::size_t max_bytes) : max_bytes_(max_bytes) {
    std::random_device random;
    for (auto& k : key_) k = std::uint64_t{random()} << 32 | random();
    std::size_t bits = kMostFilterBits;
    while (bits > 64 && bits / 8 > max_bytes_ / 4) bits /= 2;
    filter_.assign(bits / 64, 0);
    held_ = bits / 8;
    hint_shift_ = kMostHintShift;
    while (hint_shift_ > 6 && (std::size_t{1} << hint_shift_) / 8 > max_bytes_ / 8) --hint_shift_;
    hints_.assign((std::size_t{1} << hint_shift_) / 64, 0);
    held_ += hints_.size() * 8;
    // A slot holds at most kMemoLongest bytes in and twice that out; a
    // string growing by assign() may double its capacity.
    constexpr std::size_t kMemoSlotBytes = sizeof(Memo) + 2 * (3 * kMemoLongest + 2);
    std::size_t slots = kMostMemoSlots;
    while (slots > 0 && slots * kMemoSlotBytes > max_bytes_ / 8) slots /= 2;
    memo_.resize(slots);
    held_ += slots * kMemoSlotBytes;
}

std::size_t Anonymizer::hint_bit(std::string_view name) const {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    // | 0x20 folds case; that it folds some other pairs only costs a lookup.
    for (char c : name) h = (h ^ (static_cast<unsigned char>(c) | 0x20u)) * 0x100000001b3ULL;
    return (h * 0x9e3779b97f4a7c15ULL) >> (64 - hint_shift_);
}

void Anonymizer::hint(std::string_view lowered) {
    ++generation_;  // a word may now be this name's
    std::size_t bit = hint_bit(lowered);
    hints_[bit / 64] |= std::uint64_t{1} << (bit % 64);
}

bool Anonymizer::charge(std::size_t bytes) {
    if (held_ + bytes > max_bytes_) return false;
    held_ += bytes;
    return true;
}

std::uint64_t Anonymizer::keyed_hash(std::string_view bytes) const {
    std::uint64_t h = key_[0];
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
    h ^= key_[1];
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

IpAddress Anonymizer::address(const IpAddress& ip) {
    if (is_special(ip)) return ip;
    if (is_v4_mapped(ip)) {
        IpAddress v4 = address(IpAddress{4, {ip.bytes[12], ip.bytes[13], ip.bytes[14], ip.bytes[15]}});
        IpAddress mapped = ip;
        std::copy_n(v4.bytes.begin(), 4, mapped.bytes.begin() + 12);
        return mapped;
    }
    if (auto it = addresses_.find(ip); it != addresses_.end()) return it->second;
    IpAddress fake{ip.version, {}};
    bool counted = (ip.version == 4 ? v4_count_ < kV4Pseudonyms : true) && charge(kAddressEntry);
    std::uint64_t h = counted ? 0 : keyed_hash(std::string_view(reinterpret_cast<const char*>(ip.bytes.data()), 16));
    if (ip.version == 4) {
        std::uint32_t n = counted ? ++v4_count_ : 1 + static_cast<std::uint32_t>(h % kV4Pseudonyms);
        fake.bytes = {198, static_cast<std::uint8_t>(18 + (n >> 16 & 1)), static_cast<std::uint8_t>(n >> 8),
                      static_cast<std::uint8_t>(n)};
    } else {
        fake.bytes = {0x20, 0x01, 0x0d, 0xb8};  // 2001:db8::/32, for documentation
        if (counted) {
            std::uint32_t n = ++v6_count_;
            for (int i = 0; i < 4; ++i) fake.bytes[15 - i] = static_cast<std::uint8_t>(n >> (8 * i));
        } else {
            fake.bytes[7] = 1;  // 2001:db8:0:1::/64: past the tables
            for (int i = 0; i < 8; ++i) fake.bytes[15 - i] = static_cast<std::uint8_t>(h >> (8 * i));
        }
    }
    if (counted) addresses_.emplace(ip, fake);
    return fake;
}

bool Anonymizer::store_user(std::string_view lowered, const std::string& fake) {
    hint(lowered);
    std::string key(lowered);
    if (!charge(kNameEntry + heap_bytes(key) + heap_bytes(fake))) return false;
    users_.emplace(std::move(key), fake);
    return true;
}

// The Bloom filter of the names past the tables: three bits of a keyed hash.
bool Anonymizer::filter(std::string_view lowered, bool add) {
    std::uint64_t h = keyed_hash(lowered);
    bool all = true;
    for (int k = 0; k < 3; ++k, h = h >> 21 | h << 43) {
        std::size_t bit = h % (filter_.size() * 64);
        std::uint64_t mask = std::uint64_t{1} << (bit % 64);
        all = all && (filter_[bit / 64] & mask) != 0;
        if (add) filter_[bit / 64] |= mask;
    }
    if (add) {
        filter_used_ = true;
        hint(lowered);
    }
    return all;
}

std::string Anonymizer::user(std::string_view name) {
    while (!name.empty() && is_blank(name.front())) name.remove_prefix(1);
    while (!name.empty() && is_blank(name.back())) name.remove_suffix(1);
    if (name.empty()) return std::string(name);
    std::string key(name);
    std::transform(key.begin(), key.end(), key.begin(), lower);
    if (auto it = users_.find(key); it != users_.end()) return it->second;
    if (filter_used_ && filter(key, false)) {
        hint(key);  // the filter may have said yes for another name
        return "user-" + hex32(keyed_hash(key));
    }
    std::string fake = "user" + std::to_string(user_count_ + 1);
    if (store_user(key, fake)) {
        ++user_count_;
    } else {
        fake = "user-" + hex32(keyed_hash(key));
        filter(key, true);
    }
    // A name spelt with blanks is also found part by part.
    for (std::size_t i = 0; i < key.size();) {
        std::size_t j = i;
        while (j < key.size() && !is_blank(key[j])) ++j;
        std::string_view part = std::string_view(key).substr(i, j - i);
        if (!part.empty() && part.size() < key.size() &&
            !users_.contains(absl::string_view(part.data(), part.size())) && !store_user(part, fake)) {
            filter(part, true);
        }
        i = j + 1;
    }
    return fake;
}

const std::string* Anonymizer::find_user(std::string_view word) {
    if (users_.empty() && !filter_used_) return nullptr;
    std::size_t bit = hint_bit(word);
    if ((hints_[bit / 64] >> (bit % 64) & 1) == 0) return nullptr;
    lowered_.resize(word.size());
    std::transform(word.begin(), word.end(), lowered_.begin(), lower);
    if (auto it = users_.find(lowered_); it != users_.end()) return &it->second;
    if (!filter_used_ || !filter(lowered_, false)) return nullptr;
    filtered_fake_ = "user-" + hex32(keyed_hash(lowered_));
    return &filtered_fake_;
}

std::string_view Anonymizer::verb(std::string_view verb) {
    const std::string* fake = find_user(verb);
    if (fake == nullptr || CommandReplies::builtin().replies_of(verb) != nullptr) return verb;
    verb_ = *fake;
    return verb_;
}

// Servers repeat their lines ("226 Transfer complete."), so the last
// result for a line is kept in a slot chosen by its hash. A result stands
// until a new name is learnt: addresses and hosts keep the pseudonym they
// were first given.
void Anonymizer::append_line(std::string& out, std::string_view line, bool from_client) {
    auto user = from_client ? parse_command(line) : std::nullopt;
    if (user && upper_verb(user->verb) == "USER" && !user->arg.empty()) {
        out.append(user->verb).append(" ").append(this->user(user->arg));
    } else {
        append_text(out, line);
    }
}

void Anonymizer::append_text(std::string& out, std::string_view in) {
    out.reserve(out.size() + in.size());
    if (in.size() > kMemoLongest || memo_.empty()) return scan(out, in);
    Memo& slot = memo_[absl::Hash<std::string_view>{}(in) & (memo_.size() - 1)];
    if (slot.generation == generation_ && slot.in == in) {
        out += slot.out;
        return;
    }
    std::size_t from = out.size();
    scan(out, in);
    if (out.size() - from > 2 * kMemoLongest) return;
    slot.generation = generation_;
    slot.in.assign(in);
    slot.out.assign(out, from);
}

std::string Anonymizer::text(std::string_view in) {
    std::string out;
    append_text(out, in);
    return out;
}

// One pass: at each position the longest thing that starts there (a known
// user's word, an address or a list of numbers, a part of a word that is a
// user's name, a host name) is replaced, else the byte is copied. Each run
// is measured once, where it starts, so the pass is linear. Only where a
// detector can start (kStarts) is one asked; the bytes between are copied
// in runs.
void Anonymizer::scan(std::string& out, std::string_view in) {
    const bool users = !users_.empty() || filter_used_;
    const std::uint8_t wanted = users ? kAnyStart : kAnyStart & ~(kWordStart | kPartStart);
    std::size_t word_start = 0, word_end = 0;  // the last blank-delimited word looked up whole
    std::size_t copied = 0;                    // in[copied, i) is still to be copied
    std::uint8_t prev = kKinds[static_cast<unsigned char>(' ')];
    for (std::size_t i = 0; i < in.size();) {
        const std::uint8_t kind = kKinds[static_cast<unsigned char>(in[i])];
        const std::uint8_t starts = kStarts[prev][kind] & wanted;
        if (starts == 0) {
            prev = kind;
            ++i;
            continue;
        }
        out.append(in.data() + copied, i - copied);
        copied = i;
        std::size_t n = 0;
        if (starts & kWordStart) {
            word_start = word_end = i;
            while (word_end < in.size() && !is_blank(in[word_end])) ++word_end;
            n = user_at(in.substr(i, word_end - i), out);
        }
        if (n == 0 && (starts & kV6Start)) n = ipv6_at(in, i, out);
        if (n == 0 && (starts & kNumberStart)) {
            n = numbers_at(in, i, out);
            if (n == 0) n = ipv4_at(in, i, out);
        }
        if (n == 0 && (starts & kPartStart)) {
            std::size_t end = i;
            while (end < in.size() && !ends_name(in[end])) ++end;
            while (end > i + 1 && (in[end - 1] == '.' || in[end - 1] == '!' || in[end - 1] == '?')) --end;
            const std::string* fake = i == word_start && end == word_end ? nullptr : find_user(in.substr(i, end - i));
            if (fake != nullptr) {
                out += *fake;
                n = end - i;
            }
        }
        if (n == 0 && (starts & kHostStart)) n = host_at(in, i, out);
        if (n == 0) {
            n = 1;  // the byte is copied with the run it starts
        } else {
            copied = i + n;
        }
        i += n;
        prev = kKinds[static_cast<unsigned char>(in[i - 1])];
    }
    out.append(in.data() + copied, in.size() - copied);
}

// A blank-delimited word that is a user's name, whole or inside quotes,
// brackets or a sentence's punctuation.
std::size_t Anonymizer::user_at(std::string_view word, std::string& out) {
    if (const std::string* fake = find_user(word)) {
        out += *fake;
        return word.size();
    }
    std::size_t from = 0, to = word.size();
    while (from < to && (kAround[static_cast<unsigned char>(word[from])] & kOpens) != 0) ++from;
    while (to > from && (kAround[static_cast<unsigned char>(word[to - 1])] & kCloses) != 0) --to;
    if (from == to || (from == 0 && to == word.size())) return 0;
    const std::string* fake = find_user(word.substr(from, to - from));
    if (fake == nullptr) return 0;
    out.append(word.substr(0, from));
    out += *fake;
    return to;
}

std::size_t Anonymizer::ipv6_at(std::string_view in, std::size_t i, std::string& out) {
    std::size_t end = i, colons = 0;
    while (end < in.size() && in_address(in[end])) colons += in[end++] == ':';
    if (colons < 2) return 0;
    std::string_view run = in.substr(i, end - i);
    // Candidates: the run; without a single leading ':' ("addr:fd00::1");
    // without trailing dots and a lone colon ("at fd00::1."); without a
    // ".port" suffix as tcpdump writes it ("fd00::1.21").
    for (std::size_t left : {std::size_t{0}, std::size_t{1}}) {
        if (left == 1 && !(run.size() > 2 && run[0] == ':' && run[1] != ':')) break;
        std::string_view s = run.substr(left);
        for (int attempt = 0; attempt < 3 && !s.empty(); ++attempt) {
            if (attempt == 1) {
                while (s.size() > 2 && (s.back() == '.' || (s.back() == ':' && s[s.size() - 2] != ':')))
                    s.remove_suffix(1);
            } else if (attempt == 2) {
                std::size_t dot = s.rfind('.');
                if (dot == std::string_view::npos || dot + 1 == s.size() || s.size() - dot > 6) break;
                if (!std::all_of(s.begin() + static_cast<std::ptrdiff_t>(dot) + 1, s.end(), is_digit)) break;
                s = s.substr(0, dot);
            }
            char buf[48];
            if (s.size() >= sizeof buf) continue;
            std::memcpy(buf, s.data(), s.size());
            buf[s.size()] = '\0';
            IpAddress ip{6, {}};
            if (inet_pton(AF_INET6, buf, ip.bytes.data()) != 1) continue;
            out.append(run.substr(0, left));
            IpAddress fake = address(ip);
            if (fake == ip)
                out.append(s);  // one that identifies no one, as written
            else
                append_address(out, fake);
            return left + s.size();
        }
    }
    return 0;
}

// A dotted quad at `i` (a digit after a non-digit): four numbers of one to
// three digits, each at most 255, not followed by another digit.
std::size_t Anonymizer::ipv4_at(std::string_view in, std::size_t i, std::string& out) {
    IpAddress ip{4, {}};
    std::size_t at = i;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (at >= in.size() || in[at] != '.') return 0;
            ++at;
        }
        unsigned v = 0;
        std::size_t digits = 0;
        for (; at < in.size() && is_digit(in[at]) && digits < 3; ++at, ++digits) {
            v = v * 10 + static_cast<unsigned>(in[at] - '0');
        }
        if (digits == 0 || v > 255) return 0;
        ip.bytes[static_cast<std::size_t>(part)] = static_cast<std::uint8_t>(v);
    }
    if (at < in.size() && is_digit(in[at])) return 0;
    IpAddress fake = address(ip);
    if (fake == ip)
        out.append(in.substr(i, at - i));
    else
        append_address(out, fake);
    // More numbers after it ("203.0.113.2.0.113.20"): which four are the
    // address is unknown, so each number past the first four becomes 0.
    while (at + 1 < in.size() && in[at] == '.' && is_digit(in[at + 1])) {
        out += ".0";
        for (++at; at < in.size() && is_digit(in[at]);) ++at;
    }
    return at - i;
}

// A list of numbers separated by single commas at `i`: PORT and 227
// (h1,h2,h3,h4,p1,p2), LPRT and 228 (af,hal,h1..h(hal),pal,p...). The
// address's octets become the pseudonym's, everything else stays.
std::size_t Anonymizer::numbers_at(std::string_view in, std::size_t i, std::string& out) {
    constexpr std::size_t kMost = 24;
    std::array<unsigned, kMost> v{};
    std::array<std::size_t, kMost + 1> start{};
    std::size_t count = 0, at = i;
    while (count < kMost && at < in.size() && is_digit(in[at])) {
        start[count] = at;
        unsigned value = 0;
        for (std::size_t digits = 0; at < in.size() && is_digit(in[at]); ++digits, ++at) {
            if (digits < 4) value = value * 10 + static_cast<unsigned>(in[at] - '0');
        }
        v[count++] = value;
        if (at + 1 < in.size() && in[at] == ',' && is_digit(in[at + 1]) && count < kMost)
            ++at;
        else
            break;
    }
    // A last number that begins a dotted quad ("...,156,73.0.113.20") is
    // the quad's: the list ends before it, and the quad is read on its own.
    const bool quad_follows = count > 1 && at + 1 < in.size() && in[at] == '.' && is_digit(in[at + 1]);
    if (quad_follows) {
        --count;
        at = start[count] - 1;
    }
    start[count] = at + 1;  // where a number after the last would start
    // Six numbers are PORT's or 227's, whatever the first two are; a long
    // form cut short, or a list cut by a quad, still has its octets replaced.
    std::size_t first = 0, octets = 4;
    bool v6 = false;
    if (count != 6 && count >= 4 && ((v[0] == 4 && v[1] == 4) || (v[0] == 6 && v[1] == 16))) {
        first = 2;
        octets = std::min<std::size_t>(v[1], count - 2);
        v6 = v[0] == 6;
    } else if (count < 6 && !(quad_follows && count >= 4)) {
        return 0;
    }
    IpAddress ip{static_cast<std::uint8_t>(v6 ? 6 : 4), {}};
    for (std::size_t k = 0; k < octets; ++k) {
        if (v[first + k] > 255) return 0;
        ip.bytes[k] = static_cast<std::uint8_t>(v[first + k]);
    }
    IpAddress fake = address(ip);
    out.append(in.substr(i, start[first] - i));
    for (std::size_t k = 0; k < octets; ++k) {
        if (k > 0) out += ',';
        if (fake == ip)
            out.append(in.substr(start[first + k], start[first + k + 1] - 1 - start[first + k]));
        else
            out += std::to_string(fake.bytes[k]);
    }
    out.append(in.substr(start[first + octets] - 1, at - (start[first + octets] - 1)));
    return at - i;
}

// A word of letters, digits, '-' and '.' whose last label is a known
// top-level domain.
std::size_t Anonymizer::host_at(std::string_view in, std::size_t i, std::string& out) {
    std::size_t end = i;
    bool dots = false;
    for (; end < in.size() && is_host_char(in[end]); ++end) dots = dots || in[end] == '.';
    if (!dots) return 0;
    while (end > i && in[end - 1] == '.') --end;
    std::string_view word = in.substr(i, end - i);
    std::size_t dot = word.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || word.size() - dot - 1 > 8) return 0;
    char tld[8];
    std::size_t len = word.size() - dot - 1;
    for (std::size_t k = 0; k < len; ++k) tld[k] = lower(word[dot + 1 + k]);
    if (std::find(kTlds.begin(), kTlds.end(), std::string_view(tld, len)) == kTlds.end()) return 0;
    lowered_.resize(word.size());
    std::transform(word.begin(), word.end(), lowered_.begin(), lower);
    if (auto it = hosts_.find(lowered_); it != hosts_.end()) {
        out += it->second;
    } else {
        std::string fake = "host" + std::to_string(hosts_.size() + 1) + ".example";
        if (charge(kNameEntry + heap_bytes(lowered_) + heap_bytes(fake))) {
            out += hosts_.emplace(lowered_, std::move(fake)).first->second;
        } else {
            out += "host-" + hex32(keyed_hash(lowered_)) + ".example";
        }
    }
    return word.size();
}

}  // namespace ftpsniff
