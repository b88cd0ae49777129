// Which parts of a control-connection line may hold a password: one rule,
// applied by the FTP session to what every output shows (text, JSON,
// Markdown) and to what -w writes (through StreamMasks).
//
// A client line's secret is everything after "PASS" (any case, after
// leading blanks or control bytes, or after a bare CR inside the line) and
// the blanks that follow it, whatever separates it, and likewise ACCT's and
// SITE PSWD's arguments; a line whose start the capture lost, which may be
// the rest of a PASS line, is secret whole; so is a line that is no known
// command where a password may come next (after 331 or 332, or where the
// session cannot tell). In the server's lines, each place one of the last
// passwords appears is secret: some servers echo it.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ftpsniff {

// Whether an upper-case verb is an FTP command (the pipeline passes one that
// asks the knowledge base); none: no verb counts as known.
using KnownVerb = bool (*)(std::string_view verb);

struct ClientLineContext {
    bool start_missing = false;        // the line follows a gap, or the capture began inside it
    bool password_may_follow = false;  // after 331/332, or where the session cannot tell
    KnownVerb known_verb = nullptr;
};

// The column from which the rest of a client line is secret, if any.
std::optional<std::size_t> secret_from(std::string_view line, const ClientLineContext& ctx);

using Columns = std::pair<std::size_t, std::size_t>;  // [first, last)

// Passwords this short are not looked for in replies: they would match
// ordinary words and codes.
inline constexpr std::size_t kShortestEchoed = 3;

// Appends where `password` appears in `line`, in order, without overlaps.
void echo_columns(std::string_view line, std::string_view password, std::vector<Columns>& out);
// Sorts `cols` and joins those that overlap, as mask_columns takes them.
void merge_columns(std::vector<Columns>& cols);

// `line` with each of `cols` (in order, inside the line) replaced by the mask;
// built in `scratch`.
std::string_view mask_columns(std::string_view line, std::span<const Columns> cols, std::string& scratch);

}  // namespace ftpsniff
