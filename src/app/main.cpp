// ftpsniff: reads FTP control connections from a capture and explains every
// reply. Exit status: 0 done; 1 the input cannot be read (a capture or a
// --codes file); 2 bad usage; 3 the capture is cut short (everything before
// the cut was printed).
#include "cli.hpp"
#include "huge_heap.hpp"

#include "ftpsniff/capture.hpp"
#include "ftpsniff/command_replies.hpp"
#include "ftpsniff/escape.hpp"
#include "ftpsniff/explain.hpp"
#include "ftpsniff/phrases.hpp"
#include "ftpsniff/pipeline.hpp"

#include <fmt/format.h>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace {

using namespace ftpsniff;

// The built-in knowledge in the reader's language, with the user's files over it.
Knowledge load_knowledge(const CommandLine& cl) {
    Knowledge known = Knowledge::builtin(cl.pipeline.render.lang);
    for (const std::string& path : cl.codes_files) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw KnowledgeError(path + ": cannot be read");
        std::ostringstream text;
        text << in.rdbuf();
        known.add(text.str(), path);
    }
    return known;
}

int explain_usage(std::string_view why) {
    fmt::print(stderr, "ftpsniff: explain: {}\n", why);
    return kExitUsage;
}

// "550 Failed to open file.": a reply line, whose code starts it.
std::optional<int> reply_line_code(std::string_view text) {
    if (text.size() < 5 || (text[3] != ' ' && text[3] != '-')) return std::nullopt;
    return parse_code(text.substr(0, 3));
}

// --after names a command the knowledge has something to say about.
bool known_verb(const KnowledgeBase& kb, std::string_view verb) {
    if (verb == "CONNECT" || CommandReplies::builtin().replies_of(verb) != nullptr) return true;
    const auto all = kb.entries();
    return std::any_of(all.begin(), all.end(), [&](const CodeEntry* e) { return e->after == verb; });
}

int run_explain(const CommandLine& cl, const Knowledge& known) {
    const Lang lang = cl.pipeline.render.lang;
    const Labels& labels = labels_for(lang);
    const bool json = cl.pipeline.format == Format::json;
    std::string verb;
    for (char c : cl.explain_after) verb += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!verb.empty() && !known_verb(known.codes, verb)) {
        return explain_usage(
            fmt::format("--after '{}' is not an FTP command ftpsniff knows; give a verb such as "
                        "USER, PASS, RETR, STOR or CONNECT (the greeting)",
                        cl.explain_after));
    }
    if (cl.explain_codes.size() > 2) {
        return explain_usage(
            fmt::format("{} codes given; explain takes one, or two to compare them", cl.explain_codes.size()));
    }
    std::optional<std::string_view> after;
    if (!verb.empty()) after = verb;
    std::string out;
    const std::string& first = cl.explain_codes.front();
    if (cl.explain_codes.size() == 1 && !parse_code(first)) {
        if (const ClientError* error = ClientErrors::builtin(lang).find(first)) {
            out = json ? client_error_json(first, *error) : client_error_text(first, *error, lang, labels);
        } else if (auto code = reply_line_code(first)) {
            Explanation e = explain(known.codes, *code, after, lang);
            const auto found = known.messages.find(first);
            out = json ? messages_json(first, found, e) : messages_text(first, found, e, labels);
        } else {
            return explain_usage(fmt::format(
                "'{}' is neither a three-digit reply code, a reply line (\"550 Failed to open file.\") nor a "
                "Windows Sockets error ftpsniff knows (10054, 10060, 10061, ...)",
                first));
        }
        if (cl.pipeline.render.ascii) ascii_typography(out);
        std::fwrite(out.data(), 1, out.size(), stdout);
        return kExitOk;
    }
    std::vector<Explanation> found;
    for (const std::string& text : cl.explain_codes) {
        auto code = parse_code(text);
        if (!code) return explain_usage(fmt::format("'{}' is not a three-digit reply code", text));
        found.push_back(explain(known.codes, *code, after, lang));
    }
    if (found.size() == 2 && found[0].code == found[1].code) {
        return explain_usage(fmt::format("{} is given twice; compare two different codes", found[0].code));
    }
    out = found.size() == 1 ? (json ? explain_json(found[0]) : explain_text(found[0], labels))
                            : (json ? compare_json(found[0], found[1]) : compare_text(found[0], found[1], labels));
    if (cl.pipeline.render.ascii) ascii_typography(out);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return kExitOk;
}

std::atomic<bool> g_stop{false};
PcapReader* g_live = nullptr;  // the capture a signal interrupts

extern "C" void request_stop(int) {
    g_stop.store(true);
    if (g_live != nullptr) g_live->interrupt();  // wakes a read waiting for packets
}

// -Z: give up root for USER once the interface is open, as tcpdump does.
void drop_privileges(const std::string& name) {
    const passwd* pw = getpwnam(name.c_str());
    if (pw == nullptr) throw CaptureError("-Z: no such user '" + name + "'");
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        throw CaptureError("-Z: cannot become '" + name + "': " + std::strerror(errno));
    }
}

}  // namespace

int main(int argc, char** argv) {
    reserve_huge_heap(64 << 20);
    CommandLine cl;
    if (int status = parse_command_line(argc, argv, cl); status >= 0) return status;
    if (cl.list_interfaces) {
        for (const std::string& d : PcapReader::list_devices()) fmt::print("{}\n", d);
        return kExitOk;
    }
    try {
        Knowledge known = load_knowledge(cl);
        if (cl.explain) return run_explain(cl, known);
        PipelineOptions opts = cl.pipeline;
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> report(nullptr, std::fclose);
        if (!cl.report_file.empty()) {
            report.reset(std::fopen(cl.report_file.c_str(), "w"));
            if (!report) {
                fmt::print(stderr, "ftpsniff: --report: {}: {}\n", cl.report_file, std::strerror(errno));
                return kExitBadInput;
            }
            opts.report = report.get();
        }
        PcapReader reader =
            cl.live ? PcapReader::open_live(cl.live_options) : PcapReader::open_files(cl.read_files, cl.read_filter);
        if (cl.live) {
            // As tcpdump says it, so a user knows the capture has begun and on what.
            fmt::print(stderr, "ftpsniff: listening on {}, link-type {}, snapshot length {} bytes\n", reader.source(),
                       reader.linktype_name(), cl.live_options.snaplen);
        }
        if (!cl.drop_to_user.empty()) drop_privileges(cl.drop_to_user);
        StopWhen stop = cl.stop;
        const bool piped = cl.pipeline.render.flush_each && !cl.live;
        if (cl.live || piped) {
            // The first signal ends the capture cleanly: sessions are flushed and
            // the summary printed (with the kernel's counts when live). Without
            // SA_RESTART, a read waiting on a pipe returns at once.
            g_live = &reader;
            struct sigaction action {};
            action.sa_handler = request_stop;
            sigemptyset(&action.sa_mask);
            sigaction(SIGINT, &action, nullptr);
            sigaction(SIGTERM, &action, nullptr);
            stop.signalled = &g_stop;
        }
        RunResult result = run_capture(reader, opts, known, stdout, stderr, stop);
        if (result == RunResult::capture_cut && !cl.live && !g_stop.load()) {
            if (cl.read_files.size() > 1) {
                fmt::print(stderr,
                           "ftpsniff: {}: what was past the cut is missing; the other files were read to their end\n",
                           reader.cut().value_or(""));
            } else {
                fmt::print(stderr, "ftpsniff: {}: the capture is cut short after the last packet shown ({})\n",
                           cl.read_files.front() == "-" ? "standard input" : cl.read_files.front(),
                           reader.cut().value_or("no reason given"));
            }
            return kExitCaptureCut;
        }
    } catch (const CaptureError& e) {
        // libpcap's message quotes the filter, which may name an address.
        if (cl.pipeline.anonymize && std::string_view(e.what()).starts_with("bad filter")) {
            fmt::print(stderr, "ftpsniff: bad filter (not shown under --anonymize)\n");
        } else {
            fmt::print(stderr, "ftpsniff: {}\n", e.what());
        }
        return kExitBadInput;
    } catch (const KnowledgeError& e) {
        fmt::print(stderr, "ftpsniff: {}\n", e.what());
        return kExitBadInput;
    }
    return kExitOk;
}
