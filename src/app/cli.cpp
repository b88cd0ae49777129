#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <charconv>

namespace ftpsniff {

namespace {

constexpr std::string_view kVersion = FTPSNIFF_VERSION;

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

}  // namespace

int parse_command_line(int argc, char** argv, CommandLine& cl) {
    CLI::App app{"ftpsniff: explains every FTP reply in a capture: what it means, what it answers, what to do."};
    app.set_version_flag("--version", std::string(kVersion));
    std::string ports = "21";
    std::string format = "text";
    app.add_option("-r,--read", cl.read_file, "Capture file to read (pcap or pcapng; - for standard input)")
        ->required()
        ->type_name("FILE");
    app.add_option("--port", ports, "FTP control ports, comma-separated (default 21)")->type_name("N[,M...]");
    app.add_option("--format", format, "Output format: text (default) or json (JSON Lines)")
        ->check(CLI::IsMember({"text", "json"}))
        ->type_name("text|json");
    app.add_flag("--show-passwords", cl.pipeline.show_passwords, "Show PASS arguments instead of ****");
    app.footer("Exit status: 0 done, 1 input cannot be read as a capture, 2 bad usage, 3 capture cut short.");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);
        fmt::print(stderr, "ftpsniff: {}\nTry 'ftpsniff --help'.\n", e.what());
        return kExitUsage;
    }
    std::string error;
    if (!parse_ports(ports, cl.pipeline.ports, error)) {
        fmt::print(stderr, "ftpsniff: {}\n", error);
        return kExitUsage;
    }
    cl.pipeline.format = format == "json" ? Format::json : Format::text;
    return -1;
}

}  // namespace ftpsniff
