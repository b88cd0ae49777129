// A session drawn as a Mermaid sequence diagram, for the bug report: the
// client, the server and its data connections; each reply with its latency;
// a step with a finding on a colored band, with a note naming the finding.
// GitHub and GitLab draw a ```mermaid block in place.
#pragma once

#include "wording.hpp"

#include "ftpsniff/diagnosis_texts.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

class SequenceDiagram {
public:
    // A step's color: its worst finding's, or a 4xx's (warning) or 5xx's (error).
    enum class Mark : std::uint8_t { none, info, warning, error };
    static Mark mark_of(Severity s);
    static Mark mark_of_reply(int code);

    // Steps past this many are counted, not kept.
    static constexpr std::size_t kMostSteps = 400;
    // Past this many steps, the first, the last and those around each marked step are drawn.
    static constexpr std::size_t kMostDrawn = 60;

    void command(std::string_view line);
    void reply(std::string_view line, std::optional<double> latency_ms, Mark mark);
    // A line that is no command or reply.
    void unparsed(bool from_client, std::string_view line);
    // A data connection, opened by the client (passive) or the server, or
    // never opened; `details` (what it carried) goes beside it. Both are
    // ftpsniff's words, the capture's text in them escaped already.
    void data(bool client_opens, bool opened, std::string_view text, std::string_view details, Mark mark);
    // Something about the session as a whole, in ftpsniff's words: a gap,
    // TLS beginning, its end.
    void note(std::string_view text, Mark mark);
    // A finding on the step before it, drawn on that step's band.
    void finding(std::string_view id, std::string_view severity, Mark mark);

    // The ```mermaid block; `client` and `server` are the endpoints' names.
    void render(std::string& out, const Wording& words, std::string_view client, std::string_view server) const;

private:
    struct Step {
        std::string_view arrow;  // "C->>S", "Note over C,S", ...
        std::string text;        // escaped for Mermaid
        Mark mark = Mark::none;
        bool attached = false;  // a finding on the step before
    };

    // `text` is the capture's, or with `ours` ftpsniff's words (escaped
    // already); `suffix` is ours, after `text`, which may be cut.
    void add(std::string_view arrow, std::string_view text, Mark mark, bool ours, bool attached = false,
             std::string_view suffix = {});
    [[nodiscard]] std::vector<bool> drawn() const;
    static void skipped(std::string& out, const Wording& words, std::uint64_t count);

    std::vector<Step> steps_;
    std::uint64_t left_out_ = 0;  // past kMostSteps
    bool data_ = false;           // a data connection participant is needed
    bool on_data_ = false;        // the last step was a data connection's: its findings go beside it
};

}  // namespace ftpsniff
