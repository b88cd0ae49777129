// The words of the transcript, the text summary and the report in the
// reader's language (data/transcript_phrases.tsv), and the sentences the
// text and Markdown transcripts share.
#pragma once

#include "ftpsniff/annotator.hpp"
#include "ftpsniff/diagnosis_texts.hpp"
#include "ftpsniff/events.hpp"
#include "ftpsniff/phrases.hpp"
#include "ftpsniff/server_software.hpp"

#include <fmt/format.h>

#include <iterator>
#include <string>
#include <string_view>

namespace ftpsniff {

class Wording {
public:
    explicit Wording(Lang lang) : phrases_(Phrases::transcript(lang)) {}

    [[nodiscard]] std::string_view text(std::string_view key) const { return phrases_.get(key); }
    // `key`, or `key`.one when `count` is 1 and the table has it.
    [[nodiscard]] std::string_view counted(std::string_view key, std::uint64_t count) const;

    // The text of `key` with `args` (fmt::arg) in its braces.
    template <class... Args>
    void append(std::string& out, std::string_view key, const Args&... args) const {
        fmt::format_to(std::back_inserter(out), fmt::runtime(text(key)), args...);
    }
    template <class... Args>
    [[nodiscard]] std::string format(std::string_view key, const Args&... args) const {
        std::string out;
        append(out, key, args...);
        return out;
    }

    // The word for a name the JSON output uses, as "severity.error".
    [[nodiscard]] std::string_view word(std::string_view group, std::string_view name) const;
    [[nodiscard]] std::string_view severity(Severity s) const;
    [[nodiscard]] std::string_view login(LoginState s) const;
    [[nodiscard]] std::string_view tls(TlsMode m) const;
    // What a TlsEvent means for the rest of the transcript.
    [[nodiscard]] std::string_view tls_starts(TlsMode m) const;
    [[nodiscard]] std::string_view ended(CloseReason why) const;
    [[nodiscard]] std::string_view unparsed(UnparsedReason why) const;
    [[nodiscard]] std::string_view anomaly(Anomaly a) const;
    [[nodiscard]] std::string_view clue(SoftwareClue c) const;

    // "3 commands", "1 command": `key`'s text for the count.
    [[nodiscard]] std::string counting(std::string_view key, std::uint64_t count) const;
    // "3 sessions"; "frames 5 to 9", or "frame 5" for a finding seen once.
    [[nodiscard]] std::string sessions(std::uint64_t count) const { return counting("sessions", count); }
    [[nodiscard]] std::string frames(const FindingGroup& g) const;

    // "RETR big.iso": a verb and its argument, escaped and cut to a length
    // that fits in a line.
    [[nodiscard]] static std::string command(std::string_view verb, std::string_view arg);

    // "data connection (passive) a -> b for RETR: 1024 bytes to the client,
    // ...": what the connection did, without brackets.
    void data_connection(std::string& out, const DataChannelEvent& ev) const;
    // For a diagram: "RETR big.iso: closed first by the server" on the arrow,
    // and "1024 bytes to the client, ..." beside it when it carried any.
    void data_step(std::string& arrow, std::string& details, const DataChannelEvent& ev) const;

private:
    // What the connection carried and how it ended, and the address announced.
    void data_outcome(std::string& out, const DataChannelEvent& ev) const;
    void data_bytes(std::string& out, const DataChannelEvent& ev) const;
    void data_end(std::string& out, const DataChannelEvent& ev) const;

    const Phrases& phrases_;
};

}  // namespace ftpsniff
