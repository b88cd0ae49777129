// Constructors of the concrete renderers, chosen by make_renderer().
#pragma once

#include "ftpsniff/output.hpp"

namespace ftpsniff {

// Calls r.write(event, kind) for the event's kind, with the note for a
// reply and for a session's end.
template <class R>
void write_event(R& r, const Event& ev, const Annotation& note) {
    visit_event(ev, [&](const Event& e, const auto& kind) {
        using Kind = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<Kind, ReplyEvent> || std::is_same_v<Kind, DataChannelEvent> ||
                      std::is_same_v<Kind, SessionEndEvent>) {
            r.write(e, kind, note);
        } else {
            r.write(e, kind);
        }
    });
}

std::unique_ptr<Renderer> make_text_renderer(std::FILE* out, std::FILE* notes, const RenderOptions& opts);
std::unique_ptr<Renderer> make_json_renderer(std::FILE* out, bool flush_each);
std::unique_ptr<Renderer> make_markdown_renderer(std::FILE* out, const RenderOptions& opts);

}  // namespace ftpsniff
