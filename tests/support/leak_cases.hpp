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
    // Whether -w's capture reads back as the original: not where -w masks
    // more than the transcript shows (a line past the length cap, whole).
    bool reads_back_the_same = true;
};

std::vector<LeakCase> password_cases();

// Addresses (IPv4, IPv6, in PORT, 227, LPRT, 228, EPRT, with :port, mapped),
// user names in other cases and host names, in commands, replies and what
// ftpsniff says about them: --anonymize must leave none of them.
PcapWriter anonymity_case();

}  // namespace ftpsniff::test
