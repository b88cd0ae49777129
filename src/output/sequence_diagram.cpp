#include "sequence_diagram.hpp"

#include "ftpsniff/escape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace ftpsniff {

namespace {

using fmt::arg;

// Longest text on one arrow, in characters: a diagram stays readable on a
// page, and well under Mermaid's 50,000 characters.
constexpr std::size_t kMostText = 80;

// `text` cut to kMostText characters, with an ellipsis.
std::string_view cut(std::string_view text, bool& was_cut) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xc0) == 0x80) continue;  // inside a character
        if (++chars > kMostText) {
            was_cut = true;
            return text.substr(0, i);
        }
    }
    was_cut = false;
    return text;
}

std::string_view band(SequenceDiagram::Mark m) {
    switch (m) {
    case SequenceDiagram::Mark::error: return "rgb(255, 221, 221)";
    case SequenceDiagram::Mark::warning: return "rgb(255, 240, 200)";
    case SequenceDiagram::Mark::info: return "rgb(221, 236, 255)";
    case SequenceDiagram::Mark::none: break;
    }
    return "";
}

// "0.096 ms", "45.6 ms", "1204 ms".
std::string millis(double ms) {
    if (ms >= 100) return fmt::format("{:.0f} ms", ms);
    if (ms >= 1) return fmt::format("{:.1f} ms", ms);
    return fmt::format("{:.3f} ms", ms);
}

}  // namespace

SequenceDiagram::Mark SequenceDiagram::mark_of(Severity s) {
    switch (s) {
    case Severity::error: return Mark::error;
    case Severity::warning: return Mark::warning;
    case Severity::info: return Mark::info;
    }
    return Mark::none;
}

SequenceDiagram::Mark SequenceDiagram::mark_of_reply(int code) {
    if (code >= 500 && code < 600) return Mark::error;
    if (code >= 400 && code < 500) return Mark::warning;
    return Mark::none;
}

void SequenceDiagram::add(std::string_view arrow, std::string_view text, Mark mark, bool ours, bool attached,
                          std::string_view suffix) {
    if (steps_.size() >= kMostSteps) {
        ++left_out_;
        return;
    }
    if (!attached) on_data_ = false;
    Step step{arrow, {}, mark, attached};
    bool was_cut = false;
    const std::string_view shown = cut(text, was_cut);
    if (ours) {
        append_mermaid_entities(step.text, shown);
    } else {
        append_mermaid_escaped(step.text, shown);
    }
    if (was_cut) step.text += "…";
    append_mermaid_entities(step.text, suffix);
    steps_.push_back(std::move(step));
}

void SequenceDiagram::command(std::string_view line) { add("C->>S", line, Mark::none, false); }

void SequenceDiagram::reply(std::string_view line, std::optional<double> latency_ms, Mark mark) {
    add("S-->>C", line, mark, false, false, latency_ms ? " (" + millis(*latency_ms) + ")" : std::string());
}

void SequenceDiagram::unparsed(bool from_client, std::string_view line) {
    add(from_client ? "C-)S" : "S--)C", line, Mark::none, false);
}

void SequenceDiagram::data(bool client_opens, bool opened, std::string_view text, std::string_view details, Mark mark) {
    data_ = true;
    if (client_opens) {
        add(opened ? "C->>D" : "C-xD", text, mark, true);
    } else {
        add(opened ? "S->>D" : "S-xD", text, mark, true);
    }
    if (!details.empty()) add("Note right of D", details, Mark::none, true, true);
    on_data_ = true;
}

void SequenceDiagram::note(std::string_view text, Mark mark) { add("Note over C,S", text, mark, true); }

void SequenceDiagram::finding(std::string_view id, std::string_view severity, Mark mark) {
    add(on_data_ ? "Note over S,D" : "Note over C,S", fmt::format("{} ({})", id, severity), mark, true, true);
}

std::vector<bool> SequenceDiagram::drawn() const {
    const std::size_t n = steps_.size();
    std::vector<bool> keep(n, n <= kMostDrawn);
    if (n <= kMostDrawn) return keep;
    constexpr std::size_t kFirst = 6;
    constexpr std::size_t kLast = 3;
    constexpr std::size_t kBefore = 2;  // steps before a marked one: the command it answers, and one more
    for (std::size_t i = 0; i < n; ++i) {
        if (i < kFirst || i + kLast >= n) keep[i] = true;
        if (steps_[i].mark == Mark::none || steps_[i].attached) continue;
        for (std::size_t k = i >= kBefore ? i - kBefore : 0; k <= i; ++k) keep[k] = true;
    }
    // A finding goes with its step; past kMostDrawn, nothing more is drawn.
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (steps_[i].attached) keep[i] = keep[i - 1];
        if (keep[i] && !steps_[i].attached && count >= kMostDrawn) keep[i] = false;
        if (keep[i]) ++count;
    }
    return keep;
}

void SequenceDiagram::skipped(std::string& out, const Wording& words, std::uint64_t count) {
    out += "    Note over C,S: ";
    append_mermaid_entities(out, words.format(words.counted("md.diagram_skipped", count), arg("count", count)));
    out += '\n';
}

void SequenceDiagram::render(std::string& out, const Wording& words, std::string_view client,
                             std::string_view server) const {
    auto participant = [&](std::string_view id, std::string_view text) {
        fmt::format_to(std::back_inserter(out), "    participant {} as ", id);
        append_mermaid_entities(out, text);
        out += '\n';
    };
    out += "```mermaid\nsequenceDiagram\n";
    participant("C", words.format("md.diagram_client", arg("address", client)));
    participant("S", words.format("md.diagram_server", arg("address", server)));
    if (data_) participant("D", words.text("md.diagram_data"));
    const std::vector<bool> keep = drawn();
    std::uint64_t gap = 0;
    for (std::size_t i = 0; i < steps_.size();) {
        if (!keep[i]) {
            ++gap;
            ++i;
            continue;
        }
        if (gap > 0) skipped(out, words, std::exchange(gap, 0));
        // A step and the findings on it, on one band colored by the worst.
        std::size_t end = i + 1;
        Mark worst = steps_[i].mark;
        for (; end < steps_.size() && steps_[end].attached && keep[end]; ++end)
            worst = std::max(worst, steps_[end].mark);
        const bool banded = worst != Mark::none;
        if (banded) fmt::format_to(std::back_inserter(out), "    rect {}\n", band(worst));
        for (std::size_t k = i; k < end; ++k) {
            fmt::format_to(std::back_inserter(out), "{}{}: {}\n", banded ? "        " : "    ", steps_[k].arrow,
                           steps_[k].text);
        }
        if (banded) out += "    end\n";
        i = end;
    }
    gap += left_out_;
    if (gap > 0) skipped(out, words, gap);
    out += "```\n";
}

}  // namespace ftpsniff
