// Wires the stages together: capture -> decode -> reassembly -> ftp ->
// annotate -> output. The only place that knows all of them.
#pragma once

#include "ftpsniff/capture.hpp"
#include "ftpsniff/decode.hpp"
#include "ftpsniff/ftp_session.hpp"
#include "ftpsniff/knowledge_files.hpp"
#include "ftpsniff/output.hpp"
#include "ftpsniff/reassembly.hpp"

#include <atomic>
#include <bitset>
#include <cstdio>
#include <string>
#include <vector>

namespace ftpsniff {

struct PipelineOptions {
    std::vector<std::uint16_t> ports{21};  // FTP control ports
    bool show_passwords = false;
    bool detect = false;  // also recognise FTP on other ports, by its greeting and first command
    Format format = Format::text;
    RenderOptions render;
    std::FILE* report = nullptr;  // --report: a Markdown document written here too
    std::string write_path;       // -w: the control connections' packets, passwords starred
    bool with_data = false;       // --with-data: their data connections' packets too
    bool anonymize = false;       // --anonymize: pseudonyms for addresses, users and hosts
    OutputFilter filter;
    std::size_t max_memory = std::size_t{1} << 30;  // all bytes held for the capture
    DefragLimits defrag;
    ReassemblyLimits reassembly;
    FtpLimits ftp;
};

// What a run ended with; main maps it to the exit status.
enum class RunResult { ok, capture_cut };

// When to stop reading before the capture ends (a live capture never does).
struct StopWhen {
    const std::atomic<bool>* signalled = nullptr;  // set by SIGINT/SIGTERM
    std::uint64_t replies = 0;                     // -c N; 0: no limit
    double seconds = 0;                            // --duration, wall time; 0: no limit
};

// Reads `reader` to its end (or to a stop) and renders it to `out`; the text
// summary goes to `notes`. Throws CaptureError when the link type is not
// supported.
RunResult run_capture(PcapReader& reader, const PipelineOptions& opts, const Knowledge& known, std::FILE* out,
                      std::FILE* notes, StopWhen stop = {});

}  // namespace ftpsniff
