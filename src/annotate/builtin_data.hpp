// The files of data/, embedded by the build (cmake/embed.cmake).
#pragma once

#include <string_view>

namespace ftpsniff {

// The bytes of data/<name>, such as "reply_codes.ja.tsv"; "" when there is no such file.
std::string_view builtin_file(std::string_view name);

}  // namespace ftpsniff
