// The Community ID of a TCP connection: the flow hash Zeek, Suricata, Arkime
// and Wireshark compute (version 1, github.com/corelight/community-id-spec),
// so a session can be found in their records by one string.
#pragma once

#include "ftpsniff/decode.hpp"

#include <cstdint>
#include <string>

namespace ftpsniff {

// "1:" and the base64 of a SHA-1 over the seed, both addresses, the
// protocol and both ports, the lesser endpoint first: the same either way round.
std::string community_id(const Endpoint& a, const Endpoint& b, std::uint16_t seed = 0);

}  // namespace ftpsniff
