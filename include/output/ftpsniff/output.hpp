// Output stage: renders sessions, commands and annotated replies for people
// (text) or machines (JSON Lines). Renderers only format; every byte that
// came from the network goes through escape.hpp on its way out.
#pragma once

#include "ftpsniff/annotator.hpp"
#include "ftpsniff/events.hpp"
#include "ftpsniff/labels.hpp"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ftpsniff {

// Renderers take annotated events (annotator.hpp) and write them.
using Renderer = AnnotatedSink;

enum class Format : std::uint8_t { text, json, markdown };

struct RenderOptions {
    Lang lang = Lang::en;     // headings and labels of the transcript; JSON keys never change
    bool color = false;       // ANSI colors by reply class in the transcript
    bool flush_each = false;  // write every record at once (live capture into a pipe)
    bool frames = false;      // --frames: each record's frame number in the transcripts
    // --brief: the text transcript explains only what needs attention (a
    // 4xx/5xx, a finding) and each explanation the first time it applies.
    bool brief = false;
    // The locale's character set is not UTF-8 (LC_ALL=C): the text
    // transcript and summary write their own typography in ASCII.
    bool ascii = false;
};

// `out` receives the transcript or JSON Lines; `notes` the text summary.
std::unique_ptr<Renderer> make_renderer(Format format, std::FILE* out, std::FILE* notes, const RenderOptions& opts);

// A reply-code pattern: "530", "55x" or "5xx".
struct CodePattern {
    int value = 0;
    int digits = 3;  // how many leading digits must match
    [[nodiscard]] bool matches(int code) const;
};
std::optional<CodePattern> parse_code_pattern(std::string_view text);

// What --errors, --session and --code keep.
struct OutputFilter {
    bool errors_only = false;  // 4xx/5xx replies, replies with diagnoses, gaps, anomalies
    std::optional<std::uint64_t> session;
    std::vector<CodePattern> codes;  // replies whose code matches one
    [[nodiscard]] bool active() const { return errors_only || session || !codes.empty(); }
};

// Hands every event to both renderers (a format and the --report document).
std::unique_ptr<Renderer> make_tee(std::unique_ptr<Renderer> a, std::unique_ptr<Renderer> b);

// Passes on to `inner` only what the filter keeps; the summary always.
std::unique_ptr<Renderer> make_filter(std::unique_ptr<Renderer> inner, OutputFilter filter);

// Shared by the renderers.
std::string_view close_reason_name(CloseReason why);
std::string_view unparsed_reason_name(UnparsedReason why);
std::string_view direction_name(Direction dir);
std::string_view data_end_name(DataEnd end);

struct ErrorCount {
    int code;
    std::string_view command;  // "" when it answered none
    std::uint64_t count;
};
// The most frequent 4xx/5xx replies, most first.
std::vector<ErrorCount> top_errors(const RunSummary& run, std::size_t most = 5);

// A frame number as shown: "-" for none.
std::string frame_text(std::uint64_t frame);

// The run's findings, errors first, then warnings, then info; the most
// frequent first within each.
using FindingEntry = std::pair<const std::string, FindingGroup>;
std::vector<const FindingEntry*> findings_first(const RunSummary& run);

}  // namespace ftpsniff
