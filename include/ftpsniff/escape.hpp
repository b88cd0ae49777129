// Makes untrusted bytes from the network safe to print. Control characters,
// DEL, C1 controls and bytes that are not valid UTF-8 become \xNN, and a
// backslash becomes \\, so escaped output is unambiguous and no escape
// sequence from a capture ever reaches a terminal.
#pragma once

#include <string>
#include <string_view>

namespace ftpsniff {

// Appends `in` escaped for a terminal or text file.
void append_escaped(std::string& out, std::string_view in);
// Appends `in` as the body of a JSON string (without the quotes). Printable
// text is kept as UTF-8; the bytes escaped above use JSON escapes, and bytes
// that are not UTF-8 are written as the text \xNN.
void append_json_escaped(std::string& out, std::string_view in);

}  // namespace ftpsniff
