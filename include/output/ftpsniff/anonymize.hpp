// --anonymize: replaces IP addresses, user names and host names with
// pseudonyms in everything printed, the same input always getting the same
// pseudonym within a run, so a report can be attached in public.
//
// What counts, in any text:
// - IPv4 dotted quads (also glued to letters, or with leading zeros), every
//   IPv6 spelling inet_pton reads (compressed, uncompressed, any case,
//   IPv4-mapped, inside brackets or before a %zone), and the comma lists of
//   PORT/227 (h1,h2,h3,h4,p1,p2) and LPRT/228 (af,hal,h...,pal,p...). The
//   pseudonym takes the address's place in the same form, so a port after
//   it stays and the comma lists still parse. 0.0.0.0 and :: are no one's
//   and stay.
// - user names learnt from USER, whole, in any case, wherever they appear
//   (a user name spelt with spaces also part by part);
// - host names: a word whose last label is a known top-level domain, in any
//   case ("notes.txt" is left alone).
//
// Cost: one scan of the text, with a hash lookup only for a word whose
// bit is set in a table of every known name's; never a search per known
// name. A text seen again is looked up in a small memo of recent results. The tables are bounded (`max_bytes`): past
// that, new names get a pseudonym made from a keyed hash (a random key per run, never printed), still the same for the
// same input but possibly shared by two.
#pragma once

#include "ftpsniff/decode.hpp"
#include "ftpsniff/stream_masks.hpp"

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

class Anonymizer {
public:
    static constexpr std::size_t kDefaultMaxBytes = 32 << 20;

    explicit Anonymizer(std::size_t max_bytes = kDefaultMaxBytes);

    IpAddress address(const IpAddress& ip);
    Endpoint endpoint(const Endpoint& ep) { return Endpoint{address(ep.ip), ep.port}; }
    // The pseudonym of a user name, learnt from USER: "user1", "user2", ...
    std::string user(std::string_view name);
    // A verb that is no FTP command but a known user's name ("ALICE" sent
    // as a line of its own) becomes that user's pseudonym.
    std::string_view verb(std::string_view verb);
    // `text` with every address, known user name and host name replaced.
    std::string text(std::string_view text);
    void append_text(std::string& out, std::string_view text);
    // A whole line of the control connection: a client's USER line names
    // a user (learnt here, and hidden from now on), anything else is text.
    void append_line(std::string& out, std::string_view line, bool from_client);
    // What the tables are charged: at most `max_bytes`.
    [[nodiscard]] std::size_t bytes_held() const { return held_; }

private:
    using Names = absl::flat_hash_map<std::string, std::string>;

    bool charge(std::size_t bytes);
    std::uint64_t keyed_hash(std::string_view bytes) const;
    bool store_user(std::string_view lowered, const std::string& fake);
    bool filter(std::string_view lowered, bool add);
    std::size_t hint_bit(std::string_view name) const;  // in any case
    void scan(std::string& out, std::string_view text);
    void hint(std::string_view lowered);
    // Leaves `word` in lower case in lowered_.
    const std::string* find_user(std::string_view word);
    std::size_t user_at(std::string_view word, std::string& out);
    std::size_t ipv6_at(std::string_view in, std::size_t i, std::string& out);
    std::size_t ipv4_at(std::string_view in, std::size_t i, std::string& out);
    std::size_t numbers_at(std::string_view in, std::size_t i, std::string& out);
    std::size_t host_at(std::string_view in, std::size_t i, std::string& out);

    absl::flat_hash_map<IpAddress, IpAddress> addresses_;
    Names users_;                        // by the name in lower case
    Names hosts_;                        // the same
    std::vector<std::uint64_t> hints_;   // a bit for each name in users_ or filter_
    int hint_shift_;                     // hints_ holds 2^hint_shift_ bits
    std::vector<std::uint64_t> filter_;  // users past the tables, a Bloom filter
    bool filter_used_ = false;
    std::uint32_t v4_count_ = 0, v6_count_ = 0, user_count_ = 0;
    std::size_t held_ = 0;
    std::size_t max_bytes_;
    std::uint64_t key_[2];
    std::string lowered_;  // scratch for lookups
    std::string verb_;     // what verb() returned last
    std::string filtered_fake_;

    // The last text seen of each hash, and what it became.
    struct Memo {
        std::uint64_t generation = 0;
        std::string in, out;
    };
    static constexpr std::size_t kMemoLongest = 200;     // longer texts are scanned each time
    static constexpr std::size_t kMostMemoSlots = 1024;  // 1.3 MiB at most
    std::vector<Memo> memo_;
    std::uint64_t generation_ = 1;  // moves on each name learnt
};

// One Anonymizer for the printed output and -w, so both use the same
// pseudonyms; they run on two threads, so each use holds `mutex`.
struct SharedAnonymizer {
    std::mutex mutex;
    Anonymizer anonymizer;
};

class AnnotatedSink;
using Renderer = AnnotatedSink;
// Passes every event to `inner` with its addresses, user and host names replaced.
std::unique_ptr<Renderer> make_anonymizer(std::unique_ptr<Renderer> inner, std::shared_ptr<SharedAnonymizer> shared);

// -w --anonymize: each line written as the printed output shows it.
std::unique_ptr<LineRewriter> make_line_anonymizer(std::shared_ptr<SharedAnonymizer> shared);

}  // namespace ftpsniff
