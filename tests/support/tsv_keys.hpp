// The first field of each row of a table in data/'s format (one header line,
// '#' comments and blank lines skipped): what a test walks a table by.
#pragma once

#include <string_view>
#include <vector>

namespace ftpsniff::test {

inline std::vector<std::string_view> tsv_keys(std::string_view tsv) {
    std::vector<std::string_view> keys;
    bool header = true;
    while (!tsv.empty()) {
        std::string_view line = tsv.substr(0, tsv.find('\n'));
        tsv.remove_prefix(line.size() < tsv.size() ? line.size() + 1 : tsv.size());
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        if (!header) keys.push_back(line.substr(0, line.find('\t')));
        header = false;
    }
    return keys;
}

}  // namespace ftpsniff::test
