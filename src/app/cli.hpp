// The command line of ftpsniff.
#pragma once

#include "ftpsniff/pipeline.hpp"

#include <string>

namespace ftpsniff {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitCaptureCut = 3;

struct CommandLine {
    std::string read_file;
    PipelineOptions pipeline;
};

// Fills `cl`. Returns -1 to go on, or the exit status when the program should
// stop here (after --help, --version or a usage error, already reported).
int parse_command_line(int argc, char** argv, CommandLine& cl);

}  // namespace ftpsniff
