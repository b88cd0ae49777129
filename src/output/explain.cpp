#include "ftpsniff/explain.hpp"

#include "ftpsniff/annotate.hpp"
#include "ftpsniff/escape.hpp"

#include <fmt/format.h>

namespace ftpsniff {

namespace {

// What the client does next, by class (RFC 959 §4.2.1).
std::string_view next_step(int code) {
    switch (code / 100) {
    case 1: return "waits for another reply to the same command";
    case 2: return "may send its next command: the action is complete";
    case 3: return "must send the command the server is waiting for";
    case 4: return "may retry the same command later: the failure is temporary";
    case 5: return "should not repeat the command unchanged: the failure is permanent";
    default: return "has no rule to go by: the code is outside RFC 959's classes";
    }
}

std::string json_string(std::string_view s) {
    std::string out = "\"";
    append_json_escaped(out, s);
    out += '"';
    return out;
}

void section(std::string& out, std::string_view heading, std::string_view body) {
    fmt::format_to(std::back_inserter(out), "{}\n  {}\n\n", heading, body);
}

void body_text(std::string& out, const Explanation& e, const Labels& l) {
    section(out, l.meaning, e.meaning);
    section(out, l.when, e.when);
    section(out, l.remedy, e.remedy);
    section(out, l.source, e.source);
}

std::string entry_json(const Explanation& e) {
    std::string out = fmt::format("{{\"code\":{},\"name\":{},\"class\":{},\"known\":{},\"after\":{},", e.code,
                                  json_string(e.name), json_string(e.reply_class), e.known ? "true" : "false",
                                  e.after.empty() ? "null" : json_string(e.after));
    fmt::format_to(std::back_inserter(out), "\"meaning\":{},\"when\":{},\"remedy\":{},\"source\":{},\"variants\":[",
                   json_string(e.meaning), json_string(e.when), json_string(e.remedy), json_string(e.source));
    for (std::size_t i = 0; i < e.variants.size(); ++i) {
        const CodeEntry* v = e.variants[i];
        fmt::format_to(std::back_inserter(out),
                       "{}{{\"after\":{},\"name\":{},\"meaning\":{},\"when\":{},\"remedy\":{},\"source\":{}}}",
                       i == 0 ? "" : ",", json_string(v->after), json_string(v->name), json_string(v->meaning),
                       json_string(v->when), json_string(v->remedy), json_string(v->source));
    }
    out += "]}";
    return out;
}

}  // namespace

std::optional<int> parse_code(std::string_view text) {
    if (text.size() != 3) return std::nullopt;
    int code = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        code = code * 10 + (c - '0');
    }
    return code;
}

Explanation explain(const KnowledgeBase& kb, int code, std::optional<std::string_view> after) {
    Explanation e;
    e.code = code;
    e.reply_class = reply_class(code);
    e.variants = kb.variants(code);
    if (const CodeEntry* entry = kb.find(code, after.value_or(std::string_view{}))) {
        e.after = entry->after;
        e.name = entry->name;
        e.meaning = entry->meaning;
        e.when = entry->when;
        e.remedy = entry->remedy;
        e.source = entry->source;
        return e;
    }
    Annotation a = annotate(kb, code, std::nullopt);
    e.known = false;
    e.name = a.name;
    e.meaning = a.meaning;
    e.when =
        "No standard lists it; a server or a middlebox chose it for a situation of its own, which the reply's "
        "text usually names.";
    e.remedy = a.remedy;
    e.source = a.source;
    return e;
}

std::vector<std::string> differences(const Explanation& a, const Explanation& b) {
    std::vector<std::string> out;
    if (a.code / 100 == b.code / 100) {
        out.push_back(fmt::format("Both {} and {} are {} replies.", a.code, b.code, a.reply_class));
    } else {
        out.push_back(
            fmt::format("{} is a {} reply, while {} is a {} reply.", a.code, a.reply_class, b.code, b.reply_class));
    }
    std::string_view fa = reply_function(a.code), fb = reply_function(b.code);
    if (fa == fb) {
        out.push_back(fmt::format("Both concern {} (second digit {}).", fa, a.code / 10 % 10));
    } else {
        out.push_back(fmt::format("{} concerns {}; {} concerns {}.", a.code, fa, b.code, fb));
    }
    out.push_back(fmt::format("{} ({}): {}", a.code, a.name, a.meaning));
    out.push_back(fmt::format("{} ({}): {}", b.code, b.name, b.meaning));
    out.push_back(fmt::format("You see {}: {}", a.code, a.when));
    out.push_back(fmt::format("You see {}: {}", b.code, b.when));
    if (a.code / 100 != b.code / 100) {
        out.push_back(fmt::format("After {} the client {}; after {} it {}.", a.code, next_step(a.code), b.code,
                                  next_step(b.code)));
    }
    return out;
}

std::string explain_text(const Explanation& e, const Labels& l) {
    std::string out = fmt::format("FTP {} {}", e.code, e.name);
    if (!e.after.empty()) fmt::format_to(std::back_inserter(out), " ({} {})", l.after, e.after);
    if (!e.known) fmt::format_to(std::back_inserter(out), " ({})", l.unlisted);
    fmt::format_to(std::back_inserter(out), "\n{}: {}\n\n", l.reply_class, e.reply_class);
    body_text(out, e, l);
    bool heading = false;
    for (const CodeEntry* v : e.variants) {
        if (v->after == e.after) continue;
        if (!heading) out += fmt::format("{}\n", l.in_context);
        heading = true;
        fmt::format_to(std::back_inserter(out), "  {} {}: {}. {} {}\n", l.after, v->after, v->name, v->meaning,
                       v->remedy);
    }
    if (heading) out += '\n';
    return out;
}

std::string explain_json(const Explanation& e) { return entry_json(e) + "\n"; }

std::string compare_text(const Explanation& a, const Explanation& b, const Labels& l) {
    std::string out = fmt::format("FTP {} {} vs {} {}\n\n", a.code, a.name, b.code, b.name);
    for (const Explanation* e : {&a, &b}) {
        fmt::format_to(std::back_inserter(out), "{} {} · {}: {}\n\n", e->code, e->name, l.reply_class, e->reply_class);
        section(out, l.meaning, e->meaning);
        section(out, l.when, e->when);
        section(out, l.remedy, e->remedy);
    }
    out += fmt::format("{}\n", l.differences);
    auto diffs = differences(a, b);
    for (std::size_t i = 0; i < diffs.size(); ++i)
        fmt::format_to(std::back_inserter(out), "  {}. {}\n", i + 1, diffs[i]);
    fmt::format_to(std::back_inserter(out), "\n{}\n  {}: {}\n  {}: {}\n", l.which_when, a.code, a.remedy, b.code,
                   b.remedy);
    return out;
}

std::string compare_json(const Explanation& a, const Explanation& b) {
    std::string out = "{\"codes\":[" + entry_json(a) + "," + entry_json(b) + "],\"differences\":[";
    auto diffs = differences(a, b);
    for (std::size_t i = 0; i < diffs.size(); ++i) out += (i == 0 ? "" : ",") + json_string(diffs[i]);
    out += "]}\n";
    return out;
}

}  // namespace ftpsniff
