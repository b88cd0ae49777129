#include "renderers.hpp"

#include <algorithm>

namespace ftpsniff {

std::unique_ptr<Renderer> make_renderer(Format format, std::FILE* out, std::FILE* notes, const RenderOptions& opts) {
    if (format == Format::json) return make_json_renderer(out, opts.flush_each);
    if (format == Format::markdown) return make_markdown_renderer(out, opts);
    return make_text_renderer(out, notes, opts);
}

std::string_view close_reason_name(CloseReason why) {
    switch (why) {
    case CloseReason::fin: return "fin";
    case CloseReason::rst: return "rst";
    case CloseReason::idle_timeout: return "idle_timeout";
    case CloseReason::evicted: return "evicted";
    case CloseReason::end_of_capture: return "end_of_capture";
    }
    return "";
}

std::string_view unparsed_reason_name(UnparsedReason why) {
    switch (why) {
    case UnparsedReason::not_a_command: return "not_a_command";
    case UnparsedReason::not_a_reply: return "not_a_reply";
    case UnparsedReason::fragment_after_gap: return "fragment_after_gap";
    case UnparsedReason::cut_by_gap: return "cut_by_gap";
    }
    return "";
}

std::vector<ErrorCount> top_errors(const RunSummary& run, std::size_t most) {
    std::vector<ErrorCount> out;
    for (const auto& [key, count] : run.errors) out.push_back({key.first, key.second, count});
    std::stable_sort(out.begin(), out.end(),
                     [](const ErrorCount& a, const ErrorCount& b) { return a.count > b.count; });
    if (out.size() > most) out.resize(most);
    return out;
}

std::string frame_text(std::uint64_t frame) { return frame > 0 ? std::to_string(frame) : "-"; }

std::vector<const FindingEntry*> findings_first(const RunSummary& run) {
    std::vector<const FindingEntry*> out;
    for (const FindingEntry& f : run.diagnoses) out.push_back(&f);
    std::stable_sort(out.begin(), out.end(), [](const FindingEntry* a, const FindingEntry* b) {
        return std::pair(a->second.severity, b->second.count) < std::pair(b->second.severity, a->second.count);
    });
    return out;
}

std::string_view data_end_name(DataEnd end) {
    switch (end) {
    case DataEnd::fin: return "fin";
    case DataEnd::rst: return "rst";
    case DataEnd::end_of_capture: return "end_of_capture";
    case DataEnd::never_opened: return "never_opened";
    case DataEnd::unanswered: return "unanswered";
    case DataEnd::refused: return "refused";
    case DataEnd::open_at_session_end: return "open_at_session_end";
    }
    return "";
}

std::string_view direction_name(Direction dir) { return dir == Direction::to_server ? "to_server" : "to_client"; }

}  // namespace ftpsniff
