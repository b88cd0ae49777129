// The files of data/, embedded by the build (cmake/embed.cmake).
#pragma once

#include <string_view>

namespace ftpsniff {

std::string_view builtin_reply_codes();
std::string_view builtin_command_replies();
std::string_view builtin_reply_codes_ja();
std::string_view builtin_reply_codes_ko();

}  // namespace ftpsniff
