// The bytes of data/reply_codes.tsv, embedded by the build (cmake/embed.cmake).
#pragma once

#include <string_view>

namespace ftpsniff {

std::string_view builtin_reply_codes();

}  // namespace ftpsniff
