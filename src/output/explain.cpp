#include "ftpsniff/explain.hpp"

#include "ftpsniff/annotate.hpp"
#include "ftpsniff/command_replies.hpp"
#include "ftpsniff/escape.hpp"
#include "ftpsniff/phrases.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ftpsniff {

namespace {

// The verbs shown before "and N more".
constexpr std::size_t kVerbsShown = 6;

std::string json_string(std::string_view s) {
    std::string out = "\"";
    append_json_escaped(out, s);
    out += '"';
    return out;
}

void section(std::string& out, std::string_view heading, std::string_view body) {
    fmt::format_to(std::back_inserter(out), "{}\n  {}\n\n", heading, body);
}

// Which commands get `code`: a capture tells two codes apart by the command before.
std::string verbs_text(int code, const Phrases& p) {
    const CommandReplies& table = CommandReplies::builtin();
    if (table.any_may_get(code)) return std::string(p.get("any_command"));
    std::vector<std::string_view> verbs = table.verbs_getting(code);
    if (verbs.empty()) return std::string(p.get("no_command"));
    std::string out = fmt::format(
        "{}", fmt::join(verbs.begin(), verbs.begin() + static_cast<std::ptrdiff_t>(std::min(verbs.size(), kVerbsShown)),
                        ", "));
    if (verbs.size() > kVerbsShown) {
        out += ' ';
        out += fmt::format(fmt::runtime(p.get("and_more")), fmt::arg("count", verbs.size() - kVerbsShown));
    }
    return out;
}

std::string entry_json(const Explanation& e) {
    const ReplyTraits& traits = ReplyTraits::builtin(e.lang);
    const ReplyTrait* t = traits.find(e.code);
    std::string out = fmt::format("{{\"code\":{},\"name\":{},\"class\":{},\"known\":{},\"after\":{},", e.code,
                                  json_string(e.name), json_string(e.reply_class), e.known ? "true" : "false",
                                  e.after.empty() ? "null" : json_string(e.after));
    fmt::format_to(std::back_inserter(out), "\"meaning\":{},\"when\":{},\"remedy\":{},\"source\":{},\"next\":{},",
                   json_string(e.meaning), json_string(e.when), json_string(e.remedy), json_string(e.source),
                   json_string(traits.next(e.code)));
    if (t != nullptr) {
        fmt::format_to(std::back_inserter(out), "\"lines\":{},\"comes\":{},", json_string(t->lines),
                       json_string(t->login));
    }
    out += "\"variants\":[";
    for (std::size_t i = 0; i < e.variants.size(); ++i) {
        const CodeEntry* v = e.variants[i];
        fmt::format_to(std::back_inserter(out),
                       "{}{{\"after\":{},\"meaning\":{},\"when\":{},\"remedy\":{},\"source\":{}}}", i == 0 ? "" : ",",
                       json_string(v->after), json_string(v->meaning), json_string(v->when), json_string(v->remedy),
                       json_string(v->source));
    }
    out += "]}";
    return out;
}

// The variants of a code for other commands than the one shown.
void variants_text(std::string& out, const Explanation& e, const Labels& l) {
    bool heading = false;
    for (const CodeEntry* v : e.variants) {
        if (v->after == e.after) continue;
        if (!heading) out += fmt::format("{}\n", l.in_context);
        heading = true;
        // Japanese sentences end in a full stop that needs no space after it.
        const std::string_view gap = v->meaning.ends_with("。") ? "" : " ";
        fmt::format_to(std::back_inserter(out), "  {} {}: {}{}{} ({})\n", l.after, v->after, v->meaning, gap, v->remedy,
                       v->source);
    }
    if (heading) out += '\n';
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

Explanation explain(const KnowledgeBase& kb, int code, std::optional<std::string_view> after, Lang lang) {
    Explanation e;
    e.code = code;
    e.lang = lang;
    e.reply_class = Phrases::builtin(lang).reply_class(code);
    e.variants = kb.variants(code);
    e.asked_after = after.value_or(std::string_view{});
    if (const CodeEntry* entry = kb.find(code, e.asked_after)) {
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
    e.when = Phrases::builtin(lang).get("unlisted_when");
    e.remedy = a.remedy;
    e.source = a.source;
    return e;
}

std::vector<std::string> differences(const Explanation& a, const Explanation& b) {
    const Phrases& p = Phrases::builtin(a.lang);
    const ReplyTraits& traits = ReplyTraits::builtin(a.lang);
    auto say = [&](std::string_view key, auto&&... args) {
        return fmt::format(fmt::runtime(p.get(key)), fmt::arg("a", a.code), fmt::arg("b", b.code), args...);
    };
    std::vector<std::string> out;
    out.push_back(say(a.code / 100 == b.code / 100 ? "same_class" : "other_class",
                      fmt::arg("class_a", p.reply_class(a.code)), fmt::arg("class_b", p.reply_class(b.code))));
    const std::string_view fa = p.reply_function(a.code), fb = p.reply_function(b.code);
    out.push_back(say(fa == fb ? "same_function" : "other_function", fmt::arg("function_a", fa),
                      fmt::arg("function_b", fb), fmt::arg("digit", a.code / 10 % 10)));
    out.push_back(
        say("commands", fmt::arg("verbs_a", verbs_text(a.code, p)), fmt::arg("verbs_b", verbs_text(b.code, p))));
    const ReplyTrait* ta = traits.find(a.code);
    const ReplyTrait* tb = traits.find(b.code);
    // Only where they differ: the same moment and lines set nothing apart.
    if (ta != nullptr && tb != nullptr && (ta->login != tb->login || ta->lines != tb->lines)) {
        const std::string la = "login_" + ta->login, lb = "login_" + tb->login;
        const std::string na = "lines_" + ta->lines, nb = "lines_" + tb->lines;
        out.push_back(say("moment", fmt::arg("login_a", p.get(la)), fmt::arg("login_b", p.get(lb)),
                          fmt::arg("lines_a", p.get(na)), fmt::arg("lines_b", p.get(nb))));
    }
    out.push_back(say("next", fmt::arg("next_a", traits.next(a.code)), fmt::arg("next_b", traits.next(b.code))));
    return out;
}

std::string explain_text(const Explanation& e, const Labels& l) {
    std::string out = fmt::format("FTP {} {}", e.code, e.name);
    if (!e.after.empty()) fmt::format_to(std::back_inserter(out), " ({} {})", l.after, e.after);
    if (!e.known) fmt::format_to(std::back_inserter(out), " ({})", l.unlisted);
    fmt::format_to(std::back_inserter(out), "\n{}: {}\n", l.reply_class, e.reply_class);
    if (!e.asked_after.empty() && e.after != e.asked_after) {
        out += fmt::format(fmt::runtime(Phrases::builtin(e.lang).get("no_variant")), fmt::arg("code", e.code),
                           fmt::arg("verb", e.asked_after));
        out += '\n';
    }
    out += '\n';
    section(out, l.meaning, e.meaning);
    section(out, l.when, e.when);
    section(out, l.remedy, e.remedy);
    section(out, l.next, ReplyTraits::builtin(e.lang).next(e.code));
    section(out, l.source, e.source);
    variants_text(out, e, l);
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
        section(out, l.source, e->source);
        variants_text(out, *e, l);
    }
    out += fmt::format("{}\n", l.differences);
    auto diffs = differences(a, b);
    for (std::size_t i = 0; i < diffs.size(); ++i)
        fmt::format_to(std::back_inserter(out), "  {}. {}\n", i + 1, diffs[i]);
    return out;
}

std::string compare_json(const Explanation& a, const Explanation& b) {
    std::string out = "{\"codes\":[" + entry_json(a) + "," + entry_json(b) + "],\"differences\":[";
    auto diffs = differences(a, b);
    for (std::size_t i = 0; i < diffs.size(); ++i) out += (i == 0 ? "" : ",") + json_string(diffs[i]);
    out += "]}\n";
    return out;
}

std::string messages_text(std::string_view line, const std::vector<const ServerMessage*>& found, const Explanation& e,
                          const Labels& l) {
    std::string out = "\"";
    append_escaped(out, line);  // the user's text, maybe pasted from a capture
    out += "\"\n\n";
    if (found.empty()) {
        out += Phrases::builtin(e.lang).get("no_message");
        out += "\n\n";
    }
    for (const ServerMessage* m : found) {
        fmt::format_to(std::back_inserter(out), "{} · {} \"{}\" · {} {}\n", m->product, m->code, m->text, l.after,
                       m->after);
        section(out, l.meaning, m->meaning);
        section(out, l.remedy, m->remedy);
        section(out, l.source, m->source);
    }
    return out + explain_text(e, l);
}

std::string messages_json(std::string_view line, const std::vector<const ServerMessage*>& found, const Explanation& e) {
    std::string out = "{\"reply\":" + json_string(line) + ",\"messages\":[";
    for (std::size_t i = 0; i < found.size(); ++i) {
        const ServerMessage* m = found[i];
        fmt::format_to(std::back_inserter(out),
                       "{}{{\"product\":{},\"code\":{},\"text\":{},\"after\":{},\"diagnosis\":{},\"meaning\":{},"
                       "\"remedy\":{},\"source\":{}}}",
                       i == 0 ? "" : ",", json_string(m->product), m->code, json_string(m->text), json_string(m->after),
                       m->id.empty() ? "null" : json_string(m->id), json_string(m->meaning), json_string(m->remedy),
                       json_string(m->source));
    }
    return out + "],\"code\":" + entry_json(e) + "}\n";
}

std::string client_error_text(std::string_view code, const ClientError& error, Lang lang, const Labels& l) {
    std::string out =
        fmt::format("Winsock {} {} · {}\n\n", code, error.name, Phrases::builtin(lang).get("client_error"));
    section(out, l.meaning, error.meaning);
    section(out, l.remedy, error.remedy);
    section(out, l.source, error.source);
    return out;
}

std::string client_error_json(std::string_view code, const ClientError& error) {
    return fmt::format(
        "{{\"winsock\":{},\"name\":{},\"client_error\":true,\"meaning\":{},\"remedy\":{},\"source\":{}}}\n", code,
        json_string(error.name), json_string(error.meaning), json_string(error.remedy), json_string(error.source));
}

}  // namespace ftpsniff
