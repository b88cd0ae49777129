// ftpsniff: reads FTP control connections from a capture and explains every
// reply. Exit status: 0 done; 1 the input cannot be read as a capture;
// 2 bad usage; 3 the capture is cut short (everything before the cut was
// printed).
#include "cli.hpp"

#include "ftpsniff/capture.hpp"
#include "ftpsniff/pipeline.hpp"

#include <fmt/format.h>

#include <cstdio>

int main(int argc, char** argv) {
    using namespace ftpsniff;
    CommandLine cl;
    if (int status = parse_command_line(argc, argv, cl); status >= 0) return status;
    try {
        RunResult result = run_capture_file(cl.read_file, cl.pipeline, KnowledgeBase::builtin(), stdout, stderr);
        if (result == RunResult::capture_cut) {
            fmt::print(stderr, "ftpsniff: {}: the capture is cut short after the last packet shown\n",
                       cl.read_file == "-" ? "standard input" : cl.read_file);
            return kExitCaptureCut;
        }
    } catch (const CaptureError& e) {
        fmt::print(stderr, "ftpsniff: {}\n", e.what());
        return kExitBadInput;
    }
    return kExitOk;
}
