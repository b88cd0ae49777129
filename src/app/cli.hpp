// The command line of ftpsniff.
#pragma once

#include "ftpsniff/pipeline.hpp"

#include <string>
#include <vector>

namespace ftpsniff {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitCaptureCut = 3;

struct CommandLine {
    std::vector<std::string> read_files;  // -r, once per file: read as one capture
    std::string read_filter;              // the filter expression, for -r
    bool live = false;                    // no -r: capture from an interface
    LiveOptions live_options;             // -i, -s, -B, -p and the filter expression
    bool list_interfaces = false;         // -D
    std::string drop_to_user;             // -Z
    StopWhen stop;                        // -c, --duration
    PipelineOptions pipeline;
    std::vector<std::string> codes_files;  // --codes: reply codes to add or replace, diagnoses to reword
    std::string report_file;               // --report: a Markdown bug report besides the output
    bool explain = false;                  // `ftpsniff explain CODE [CODE]`
    std::vector<std::string> explain_codes;
    std::string explain_after;  // --after VERB
};

// Fills `cl`. Returns -1 to go on, or the exit status when the program should
// stop here (after --help, --version or a usage error, already reported).
int parse_command_line(int argc, char** argv, CommandLine& cl);

}  // namespace ftpsniff
