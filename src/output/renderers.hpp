// Constructors of the concrete renderers, chosen by make_renderer().
#pragma once

#include "ftpsniff/output.hpp"

namespace ftpsniff {

std::unique_ptr<Renderer> make_text_renderer(std::FILE* out, std::FILE* notes, const RenderOptions& opts);
std::unique_ptr<Renderer> make_json_renderer(std::FILE* out, bool flush_each);
std::unique_ptr<Renderer> make_markdown_renderer(std::FILE* out);

}  // namespace ftpsniff
