// Captures a hostile tester would make to get a password past ftpsniff,
// built byte by byte: each names the secrets that must appear in no output
// (text, JSON, Markdown, -w). Every case ends well for the session, so a
// written capture can also be read back and compared.
#pragma once

#include "capture_builder.hpp"

#include <string>
#include <vector>

namespace ftpsniff::test {

struct LeakCase {
    std::string name;
    PcapWriter capture{1};
    std::vector<std::string> secrets;
};

std::vector<LeakCase> password_cases();

}  // namespace ftpsniff::test
