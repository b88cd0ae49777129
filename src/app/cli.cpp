#include "cli.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>

namespace ftpsniff {

namespace {

// More than explain takes, so that too many get its own message.
constexpr int kMostExplained = 16;

constexpr std::string_view kVersion = FTPSNIFF_VERSION;
// The longest time an option takes (about 31 years): longer means never.
constexpr std::uint64_t kMostSeconds = 1'000'000'000;

// "21,2121" -> {21, 2121}; every entry a port number 1-65535.
bool parse_ports(const std::string& text, std::vector<std::uint16_t>& out, std::string& error) {
    out.clear();
    std::string_view rest = text;
    while (true) {
        std::string_view item = rest.substr(0, rest.find(','));
        unsigned value = 0;
        auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() || value == 0 || value > 65535) {
            error = fmt::format("--port: '{}' is not a port number (1-65535)", item);
            return false;
        }
        out.push_back(static_cast<std::uint16_t>(value));
        if (item.size() == rest.size()) return true;
        rest.remove_prefix(item.size() + 1);
    }
}

// "1048576", "512K", "64M", "1G" (powers of 1024) -> bytes.
bool parse_size(const std::string& text, std::size_t& out) {
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    std::string_view unit(end, text.data() + text.size() - end);
    int shift = unit.empty()                 ? 0
                : unit == "K" || unit == "k" ? 10
                : unit == "M" || unit == "m" ? 20
                : unit == "G" || unit == "g" ? 30
                                             : -1;
    if (ec != std::errc() || end == text.data() || shift < 0 || value == 0 || value > (SIZE_MAX >> shift)) return false;
    out = value << shift;
    return true;
}

// A check that an option's value is a whole number from `low` to `high`,
// with an error that says so: CLI11's own names the double range it
// converts through ("not in range 0.000000 to 1797693...").
CLI::Validator whole_number(std::uint64_t low, std::uint64_t high) {
    return CLI::Validator(
        [low, high](std::string& text) -> std::string {
            std::uint64_t value = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (!text.empty() && ec == std::errc() && end == text.data() + text.size() && value >= low &&
                value <= high) {
                return "";
            }
            if (high == std::numeric_limits<std::uint64_t>::max()) {
                return fmt::format("{} is not allowed; give a whole number of {} or more", text, low);
            }
            return fmt::format("{} is not allowed; give a whole number from {} to {}", text, low, high);
        },
        "");
}

// The same for a number of seconds, where a fraction is allowed.
CLI::Validator seconds(double most) {
    return CLI::Validator(
        [most](std::string& text) -> std::string {
            double value = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (!text.empty() && ec == std::errc() && end == text.data() + text.size() && value > 0 && value <= most) {
                return "";
            }
            return fmt::format("{} is not allowed; give a number of seconds above 0 and at most {}", text, most);
        },
        "");
}

// The reader's language from the locale, as setlocale would choose it.
Lang lang_from_environment() {
    for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0') return lang_from_locale(value);
    }
    return Lang::en;
}

// Whether the locale's character set is UTF-8, from LC_ALL, LC_CTYPE and LANG
// as setlocale reads them; none set is the C locale, which is ASCII.
bool utf8_locale() {
    for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
        const char* value = std::getenv(name);
        if (value == nullptr || *value == '\0') continue;
        std::string v;
        for (const char* c = value; *c != '\0'; ++c) {
            if (*c != '-') v += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
        }
        return v.find(".utf8") != std::string::npos;
    }
    return false;
}

}  // namespace

int parse_command_line(int argc, char** argv, CommandLine& cl) {
    CLI::App app{"ftpsniff: what every FTP reply in a capture means, and what to do."};
    app.set_version_flag("--version", std::string(kVersion));
    app.get_formatter()->column_width(28);
    std::string ports = "21";
    std::string format = "text";
    std::string lang;
    app.add_option("-r,--read", cl.read_files, "pcap or pcapng to read (- stdin); again to merge")
        ->type_name("FILE")
        ->allow_extra_args(false);  // what follows is the filter, as tcpdump's
    LiveOptions& live = cl.live_options;
    std::vector<std::string> filter;
    app.add_option("-i,--interface", live.device, "Capture live on IFACE (any: all)")->type_name("IFACE");
    app.add_flag("-D,--list-interfaces", cl.list_interfaces, "List the interfaces and exit");
    // 0 takes whole packets, as in tcpdump (libpcap's maximum).
    app.add_option("-s,--snaplen", live.snaplen, "Bytes kept of each packet (262144)")
        ->type_name("SNAPLEN")
        ->check(whole_number(0, 262144));
    // Set in bytes, as an int.
    app.add_option("-B,--buffer-size", live.buffer_kib, "Kernel buffer in KiB (default 32768)")
        ->type_name("KIB")
        ->check(whole_number(1, INT_MAX / 1024));
    app.add_flag(
        "-p,--no-promiscuous-mode", [&live](std::int64_t) { live.promiscuous = false; },
        "Do not put the interface in promiscuous mode");
    const std::uint64_t any = std::numeric_limits<std::uint64_t>::max();
    app.add_option("-c,--count", cl.stop.replies, "Stop after N replies")->type_name("N")->check(whole_number(1, any));
    app.add_option("--duration", cl.stop.seconds, "Stop after SECONDS of live capture")
        ->type_name("SECONDS")
        ->check(seconds(kMostSeconds));
    app.add_option("-Z,--relinquish-privileges", cl.drop_to_user, "Become USER once the interface is open")
        ->type_name("USER");
    app.add_option("filter", filter, "BPF filter (live default: tcp)")->type_name("EXPRESSION");
    app.add_option("--port", ports, "FTP control ports (default 21)")->type_name("N[,M...]");
    app.add_option("--format", format, "text (default), json (JSON Lines), markdown")
        ->check(CLI::IsMember({"text", "json", "markdown"}).description(""))
        ->type_name("text|json|markdown");
    app.add_option("--report", cl.report_file, "Also write a Markdown bug report to FILE")->type_name("FILE");
    app.add_option("-w,--write", cl.pipeline.write_path, "Write the control packets, passwords starred")
        ->type_name("FILE");
    app.add_flag("--with-data", cl.pipeline.with_data, "With -w: their data connections too");
    app.add_flag("--anonymize", cl.pipeline.anonymize, "Pseudonyms for addresses, users and hosts");
    std::vector<std::string> lang_codes;
    for (const Language& l : languages()) lang_codes.emplace_back(l.code);
    app.add_option("--lang", lang, "Language of the output (default: the locale)")
        ->check(CLI::IsMember(lang_codes).description(""))
        ->type_name(fmt::format("{}", fmt::join(lang_codes, "|")));
    app.add_option("--codes", cl.codes_files, "Reply codes or diagnoses to add or reword")->type_name("FILE");
    app.add_flag("--show-passwords", cl.pipeline.show_passwords, "Show PASS arguments instead of ****");
    std::string color = "auto";
    std::vector<std::string> codes;
    app.add_option("--color", color, "Colors (auto: on a terminal, unless NO_COLOR)")
        ->check(CLI::IsMember({"auto", "always", "never"}).description(""))
        ->type_name("auto|always|never");
    app.add_flag("--frames", cl.pipeline.render.frames, "Frame numbers, as Wireshark's, in transcripts");
    app.add_flag("--brief", cl.pipeline.render.brief, "Explain only problems and new replies");
    app.add_flag("--errors", cl.pipeline.filter.errors_only, "Only 4xx/5xx replies, diagnoses and gaps");
    app.add_option("--session", cl.pipeline.filter.session, "Only session N")
        ->type_name("N")
        ->check(whole_number(1, any));
    app.add_option("--code", codes, "Only replies like 530, 55x, 5xx")->delimiter(',')->type_name("CODE[,CODE...]");
    app.add_flag("--detect", cl.pipeline.detect, "Also find FTP on other ports, by its greeting");
    std::string max_memory = "1G";
    auto& limits = cl.pipeline;
    app.add_option("--max-memory", max_memory, "Memory for buffers (default 1G)")->type_name("SIZE[K|M|G]");
    app.add_option("--max-flows", limits.reassembly.max_flows, "Connections followed at once (100000)")
        ->type_name("N")
        ->check(whole_number(1, 10'000'000));
    app.add_option("--idle-timeout", limits.reassembly.idle_timeout_sec, "Close idle connections (default 3600)")
        ->type_name("SECONDS")
        ->check(whole_number(1, kMostSeconds));
    app.add_option("--max-line", limits.ftp.max_line, "Longest line kept (default 8192)")
        ->type_name("BYTES")
        ->check(whole_number(16, 1 << 20));
    app.add_option("--max-out-of-order", limits.reassembly.out_of_order_bytes, "Bytes held ahead of a hole (1048576)")
        ->type_name("BYTES")
        ->check(whole_number(1, std::uint64_t{1} << 30));
    CLI::App* explain = app.add_subcommand("explain", "Explain a code, a reply line or a Winsock error");
    explain
        ->add_option("codes", cl.explain_codes,
                     "One or two three-digit reply codes, a quoted reply line (\"550 Failed to open file.\"), or a "
                     "Windows Sockets error number (10054)")
        ->required()
        ->expected(1, kMostExplained);
    explain->add_option("--after", cl.explain_after, "As the reply to this command")->type_name("VERB");
    // The main options explain also reads, listed in its --help.
    explain->add_option("--format", format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}).description(""))
        ->type_name("text|json");
    explain->add_option("--lang", lang, "Language of the output (default: the locale)")
        ->check(CLI::IsMember(lang_codes).description(""))
        ->type_name(fmt::format("{}", fmt::join(lang_codes, "|")));
    explain->add_option("--codes", cl.codes_files, "Reply codes, diagnoses or server messages to add or reword")
        ->type_name("FILE");
    explain->fallthrough();  // the main options (--color, ...) are accepted after the codes
    app.footer(
        "Exit status: 0 done, 1 unreadable input, 2 bad usage, 3 capture cut short.\n"
        "See ftpsniff(1) and the README for the output formats and diagnoses.");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);
        fmt::print(stderr, "ftpsniff: {}\nTry 'ftpsniff --help'.\n", e.what());
        return kExitUsage;
    }
    cl.explain = explain->parsed();
    cl.live = !cl.explain && cl.read_files.empty();
    if (!cl.read_files.empty() && !live.device.empty()) {
        fmt::print(stderr, "ftpsniff: give -r FILE or -i IFACE, not both\n");
        return kExitUsage;
    }
    if (cl.read_files.size() > 1 && std::ranges::count(cl.read_files, "-") > 0) {
        fmt::print(stderr, "ftpsniff: standard input (-r -) cannot be merged with other files\n");
        return kExitUsage;
    }
    if (cl.pipeline.with_data && cl.pipeline.write_path.empty()) {
        fmt::print(stderr, "ftpsniff: --with-data adds to the capture -w writes: give -w FILE too\n");
        return kExitUsage;
    }
    if (cl.pipeline.anonymize && cl.pipeline.with_data) {
        fmt::print(stderr, "ftpsniff: --with-data cannot be anonymized: the files it writes are as they were\n");
        return kExitUsage;
    }
    // tcpdump's habit without -r: "ftpsniff capture.pcap".
    if (filter.size() == 1 && cl.read_files.empty() && std::filesystem::is_regular_file(filter.front())) {
        fmt::print(stderr, "ftpsniff: '{0}' is a file, not a filter: read it with -r {0}\n", filter.front());
        return kExitUsage;
    }
    if (!filter.empty()) {
        std::string expression = fmt::format("{}", fmt::join(filter, " "));
        if (cl.live) {
            live.filter = std::move(expression);
        } else {
            cl.read_filter = std::move(expression);
        }
    }
    // A pipe (tcpdump -w - | ftpsniff -r -) is followed as it comes, like an interface.
    cl.pipeline.render.flush_each = cl.live || cl.read_files == std::vector<std::string>{"-"};
    cl.pipeline.render.lang = lang.empty() ? lang_from_environment() : *parse_lang(lang);
    cl.pipeline.render.ascii = !utf8_locale();
    const char* no_color = std::getenv("NO_COLOR");
    cl.pipeline.render.color = color == "always" || (color == "auto" && isatty(STDOUT_FILENO) == 1 &&
                                                     (no_color == nullptr || *no_color == '\0'));
    for (const std::string& pattern : codes) {
        auto p = parse_code_pattern(pattern);
        if (!p) {
            fmt::print(stderr, "ftpsniff: --code: '{}' is not a code or pattern (530, 55x, 5xx)\n", pattern);
            return kExitUsage;
        }
        cl.pipeline.filter.codes.push_back(*p);
    }
    std::string error;
    if (!parse_ports(ports, cl.pipeline.ports, error)) {
        fmt::print(stderr, "ftpsniff: {}\n", error);
        return kExitUsage;
    }
    if (!parse_size(max_memory, cl.pipeline.max_memory)) {
        fmt::print(stderr, "ftpsniff: --max-memory: '{}' is not a size (e.g. 512M, 1G)\n", max_memory);
        return kExitUsage;
    }
    cl.pipeline.format = format == "json" ? Format::json : format == "markdown" ? Format::markdown : Format::text;
    return -1;
}

}  // namespace ftpsniff
