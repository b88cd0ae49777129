// What ftpsniff writes for a capture built by a test, as one string: the
// whole pipeline run on it with the given options (the summary's notes
// dropped).
#pragma once

#include "capture_builder.hpp"
#include "temp_file.hpp"

#include "ftpsniff/pipeline.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ftpsniff::test {

inline std::string pipeline_output(const PcapWriter& capture, const PipelineOptions& opts, StopWhen stop = {}) {
    const TempFile file(capture.bytes());
    char* text = nullptr;
    std::size_t size = 0;
    std::FILE* out = open_memstream(&text, &size);
    std::FILE* notes = std::fopen("/dev/null", "w");
    PcapReader reader = PcapReader::open_file(file.path());
    run_capture(reader, opts, Knowledge::builtin(), out, notes, stop);
    std::fclose(out);
    std::fclose(notes);
    std::string result(text, size);
    std::free(text);
    return result;
}

}  // namespace ftpsniff::test
