// fuzz_ftp_lines: the line-level FTP parsers and the escaping of untrusted
// text, on one direction's raw bytes.
//
// Input: three config bytes, then the bytes of the stream.
//   byte 0  max line length: 1 + 4 * value (1 to 1021)
//   byte 1  chunk size the bytes are fed in: 1 + value
//   byte 2  bits 0-3: a gap after every Nth chunk (0: never);
//           bits 4-7: reply line cap (0: the default 1000)
// Every line the LineSplitter hands on goes through parse_command,
// parse_reply_line, the data-address parsers (PASV ... LPRT), quoted_path
// and the ReplyAssembler; the whole stream, as one "line" that may hold CR,
// LF and NUL, through those, both escape functions and the Anonymizer
// (--anonymize), which has learnt the user names of the USER lines and must
// leave none of the stream's dotted quads.

#include "fuzz_common.hpp"

#include "ftpsniff/anonymize.hpp"
#include "ftpsniff/data_channel.hpp"
#include "ftpsniff/escape.hpp"
#include "ftpsniff/ftp_parse.hpp"
#include "ftpsniff/line_splitter.hpp"
#include "ftpsniff/session_state.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace ftpsniff;

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

FUZZ_UNTRACED bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Strict UTF-8 (no overlongs, surrogates or values past U+10FFFF), and no
// C0/C1 control, DEL, bidirectional control, zero-width character or line or
// paragraph separator: what escaped text may contain.
FUZZ_UNTRACED bool printable_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f) {  // the common case, printable ASCII
            ++i;
            continue;
        }
        // Length from the lead byte; 0x80-0xc1 and 0xf5-0xff never lead.
        std::size_t n = c < 0x80 ? 1 : c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        char32_t cp = n == 1 ? c : c & (0x7f >> n);
        for (std::size_t k = 1; k < n; ++k) {
            auto t = static_cast<unsigned char>(s[i + k]);
            if ((t & 0xc0) != 0x80) return false;
            cp = cp << 6 | (t & 0x3f);
        }
        constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return false;
        if (cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069)) {
            return false;
        }
        i += n;
    }
    return true;
}

// The text escape reads back one way: "\\" is a backslash, "\xNN" a byte,
// any other backslash itself (an "\x" not followed by two hex digits is
// never written).
FUZZ_UNTRACED bool unescapes_to(std::string_view esc, std::string_view original) {
    std::string back;
    for (std::size_t i = 0; i < esc.size(); ++i) {
        if (esc[i] != '\\') {
            back += esc[i];
        } else if (i + 1 < esc.size() && esc[i + 1] == '\\') {
            back += '\\';
            i += 1;
        } else if (i + 1 < esc.size() && esc[i + 1] == 'x') {
            if (i + 3 >= esc.size() || !is_hex(esc[i + 2]) || !is_hex(esc[i + 3])) return false;
            back += static_cast<char>(std::stoi(std::string(esc.substr(i + 2, 2)), nullptr, 16));
            i += 3;
        } else {
            back += '\\';
        }
    }
    return back == original;
}

// A JSON string body: no raw quote or control byte, only JSON's escapes.
FUZZ_UNTRACED bool json_string_body(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == '"') return false;
        if (c != '\\') continue;
        if (++i == s.size()) return false;
        if (s[i] == 'u') {
            if (i + 4 >= s.size()) return false;
            for (std::size_t k = 1; k <= 4; ++k) {
                if (!is_hex(s[i + k])) return false;
            }
            i += 4;
        } else if (std::string_view("\"\\/bfnrt").find(s[i]) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

void check_escapes(std::string_view text) {
    const std::string prefix = "p\\";
    std::string out = prefix;
    append_escaped(out, text);
    FUZZ_CHECK(out.starts_with(prefix));
    std::string_view esc = std::string_view(out).substr(prefix.size());
    FUZZ_CHECK(
        std::none_of(esc.begin(), esc.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }));
    FUZZ_CHECK(printable_utf8(esc));
    FUZZ_CHECK(unescapes_to(esc, text));

    std::string json = prefix;
    append_json_escaped(json, text);
    FUZZ_CHECK(json.starts_with(prefix));
    std::string_view body = std::string_view(json).substr(prefix.size());
    FUZZ_CHECK(json_string_body(body));
    FUZZ_CHECK(printable_utf8(body));
}

void check_line(std::string_view line) {
    if (auto cmd = parse_command(line)) {
        FUZZ_CHECK(!cmd->verb.empty() && cmd->verb.data() == line.data());
        FUZZ_CHECK(inside(cmd->arg, line));
        std::string upper = upper_verb(cmd->verb);
        FUZZ_CHECK(upper.size() == cmd->verb.size());
        for (char c : upper) FUZZ_CHECK(c >= 'A' && c <= 'Z');
        fuzz::touch(cmd->arg);
    }
    if (auto reply = parse_reply_line(line)) {
        FUZZ_CHECK(reply->code >= 0 && reply->code <= 999);
        FUZZ_CHECK(std::to_string(1000 + reply->code).substr(1) == line.substr(0, 3));
        FUZZ_CHECK(reply->separator == ' ' || reply->separator == '-');
        FUZZ_CHECK(inside(reply->text, line));
        fuzz::touch(reply->text);
    }
    for (auto parse :
         {parse_pasv_reply, parse_epsv_reply, parse_lpsv_reply, parse_port_arg, parse_eprt_arg, parse_lprt_arg}) {
        fuzz::check(parse(line));
    }
    if (auto path = quoted_path(line)) FUZZ_CHECK(path->size() <= line.size());
}

// --anonymize gives the same input the same pseudonyms throughout a run:
// user names as USER lines teach them, then any text.
void learn_user(Anonymizer& anonymizer, std::string_view line) {
    if (auto cmd = parse_command(line); cmd && upper_verb(cmd->verb) == "USER") {
        FUZZ_CHECK(anonymizer.user(cmd->arg) == anonymizer.user(cmd->arg));
    }
}

FUZZ_UNTRACED bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The dotted quads of `text` as --anonymize reads them: four numbers of one
// to three digits, each at most 255, after a non-digit and before one.
FUZZ_UNTRACED std::vector<std::string_view> dotted_quads(std::string_view text) {
    std::vector<std::string_view> quads;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!is_digit(text[i]) || (i > 0 && is_digit(text[i - 1]))) continue;
        std::size_t at = i;
        bool ok = true;
        for (int part = 0; part < 4 && ok; ++part) {
            if (part > 0) ok = at < text.size() && text[at++] == '.';
            unsigned value = 0, digits = 0;
            for (; ok && at < text.size() && is_digit(text[at]) && digits < 3; ++at, ++digits) {
                value = value * 10 + static_cast<unsigned>(text[at] - '0');
            }
            ok = ok && digits > 0 && value <= 255;
        }
        if (ok && (at == text.size() || !is_digit(text[at]))) quads.push_back(text.substr(i, at - i));
    }
    return quads;
}

// Whether `quad` stands in `text` as a quad of its own.
FUZZ_UNTRACED bool holds_quad(std::string_view text, std::string_view quad) {
    for (std::size_t at = text.find(quad); at != std::string_view::npos; at = text.find(quad, at + 1)) {
        std::size_t end = at + quad.size();
        if ((at == 0 || !is_digit(text[at - 1])) && (end == text.size() || !is_digit(text[end]))) return true;
    }
    return false;
}

// Nothing real survives: no dotted quad of the input is in the output.
// Those starting 0, 18, 19 or 198 may be read in a pseudonym (198.18.0.0/15)
// and what follows it, or be the unspecified address, so they are not asked.
void check_anonymized(Anonymizer& anonymizer, std::string_view text) {
    std::string once = anonymizer.text(text);
    FUZZ_CHECK(anonymizer.text(text) == once);  // the second time from the memo, for a short text
    for (std::string_view quad : dotted_quads(text)) {
        std::string_view first = quad.substr(0, quad.find('.'));
        if (first == "0" || first == "18" || first == "19" || first == "198") continue;
        FUZZ_CHECK(!holds_quad(once, quad));
    }
}

void check_reply(ReplyAssembler& replies, std::size_t max_lines, std::size_t max_line) {
    Reply r = replies.take();
    FUZZ_CHECK(!r.lines.empty());
    FUZZ_CHECK(r.code >= 0 && r.code <= 999);
    auto first = parse_reply_line(r.lines.front());
    FUZZ_CHECK(first && first->code == r.code);
    // The last line is kept past the cap, so two lines survive a cap of one.
    FUZZ_CHECK(r.lines.size() <= std::max<std::size_t>(max_lines, 2));
    for (std::string_view l : r.lines) FUZZ_CHECK(l.size() <= max_line);
    fuzz::touch(r.text());
}

}  // namespace

extern "C" int FTPSNIFF_FUZZ_ENTRY(const std::uint8_t* data, std::size_t size) {
    fuzz::Input in(data, size);
    const std::size_t max_line = 1 + 4 * std::size_t{in.u8()};
    const std::size_t chunk = 1 + std::size_t{in.u8()};
    const std::uint8_t mode = in.u8();
    const std::size_t gap_every = mode & 0x0f;
    const std::size_t line_cap = mode >> 4;
    const ReplyLimits limits{line_cap != 0 ? line_cap : 1000, 4096};
    auto stream = in.take(size);
    // Escaping is a pure function of the text: the whole stream covers
    // whatever a line could hold, at half the cost of escaping both.
    check_escapes(fuzz::as_text(stream));
    check_line(fuzz::as_text(stream));
    Anonymizer anonymizer;

    MemoryBudget budget(8 * 1024);  // small: refused charges cut lines and replies
    {
        LineSplitter splitter(max_line, budget);
        ReplyAssembler replies(limits, budget);
        auto on_line = [&](const Line& line) {
            FUZZ_CHECK(line.text.size() <= max_line);
            fuzz::touch(line.text);
            check_line(line.text);
            learn_user(anonymizer, line.text);
            switch (replies.feed(line.text, line.truncated)) {
            case ReplyAssembler::Result::reply:
                FUZZ_CHECK(!replies.open());
                check_reply(replies, limits.max_lines, max_line);
                break;
            case ReplyAssembler::Result::pending: FUZZ_CHECK(replies.open()); break;
            case ReplyAssembler::Result::not_a_reply: FUZZ_CHECK(!replies.open()); break;
            }
        };
        std::size_t fed = 0;
        for (std::size_t at = 0; at < stream.size(); at += chunk) {
            splitter.feed(stream.subspan(at, std::min(chunk, stream.size() - at)), on_line);
            (void)splitter.take_refused();
            if (gap_every != 0 && ++fed % gap_every == 0) {
                splitter.gap(on_line);  // hands on the cut line, flags the next
                if (replies.abandon()) check_reply(replies, limits.max_lines, max_line);
            }
        }
        splitter.finish(on_line);
        if (replies.abandon()) check_reply(replies, limits.max_lines, max_line);
    }
    // Once for the whole stream: it covers whatever a line could hold.
    check_anonymized(anonymizer, fuzz::as_text(stream));
    // Every holder refunds what it charged once it is gone.
    FUZZ_CHECK(budget.used() == 0);
    return 0;
}
