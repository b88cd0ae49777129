// Makes untrusted bytes from the network safe to print. Control characters,
// DEL, C1 controls and bytes that are not valid UTF-8 become \xNN, so no
// escape sequence from a capture ever reaches a terminal. A backslash is
// doubled only before a backslash, an 'x' or a byte that is escaped, so
// Windows paths and 257 "\" read as sent and the output stays
// unambiguous: "\\" is a backslash, "\xNN" a byte, any other backslash itself. So do the bytes of
// bidirectional controls, zero-width characters and the Unicode line and
// paragraph separators, which could make a line read otherwise than it is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ftpsniff {

// The most bytes one input byte becomes ("\u001b").
inline constexpr std::size_t kEscapedMax = 6;

// Appends `in` escaped for a terminal or text file.
void append_escaped(std::string& out, std::string_view in);
// Appends `in` for Markdown outside code (a table cell, a list item, a
// heading): escaped as for a terminal, then every character Markdown or HTML
// acts on made literal, so GitHub and GitLab show the text as sent: no links,
// images, HTML or emphasis, and a '|' does not end a table cell.
void append_markdown_escaped(std::string& out, std::string_view in);
// Appends `in` for the text of a Mermaid diagram (a message, a note, a
// participant's name): escaped as for a terminal, then each character
// Mermaid acts on as its entity code, so it is drawn as sent: '#' starts a
// comment, ';' a statement, "%%" a directive, '<' and '>' HTML, and a ':'
// after "wrap" an option.
void append_mermaid_escaped(std::string& out, std::string_view in);
// The same for text that is escaped already (ftpsniff's own words around
// capture text escaped for a terminal): the entity codes alone.
void append_mermaid_entities(std::string& out, std::string_view escaped);
// Rewrites the typography ftpsniff's own words use ("·", "§", "…", dashes,
// curly quotes, arrows) in ASCII, for a terminal whose locale is not UTF-8.
// Other characters, the capture's own text among them, are left as they are.
void ascii_typography(std::string& text);
// Appends `in` as the body of a JSON string (without the quotes). Printable
// text is kept as UTF-8; the bytes escaped above use JSON escapes (\uXXXX for
// the bidirectional and zero-width characters), and bytes that are not UTF-8
// are written as the text \xNN.
void append_json_escaped(std::string& out, std::string_view in);
// append_json_escaped written at `out`, which has room for
// kEscapedMax * in.size() bytes; returns the end of what was written.
char* json_escape_to(char* out, std::string_view in);

}  // namespace ftpsniff
