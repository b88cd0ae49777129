// --anonymize: replaces IP addresses (IPv4 and IPv6, also where 227, 229,
// PORT and EPRT carry them), user names and host names with pseudonyms, the
// same input always getting the same pseudonym within a run, so a report can
// be attached in public. Host names are recognised by a known top-level
// domain, so file names such as "notes.txt" are left alone.
#pragma once

#include "ftpsniff/decode.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace ftpsniff {

class Anonymizer {
public:
    IpAddress address(const IpAddress& ip);
    Endpoint endpoint(const Endpoint& ep) { return Endpoint{address(ep.ip), ep.port}; }
    // The pseudonym of a user name (learnt from USER), "user1", "user2", ...
    std::string user(std::string_view name);
    // `text` with every address, known user name and host name replaced.
    std::string text(std::string_view text);

private:
    std::string replace_users(std::string text);
    std::string replace_hosts(std::string_view text);

    std::map<IpAddress, IpAddress> addresses_;
    std::map<std::string, std::string, std::less<>> users_;
    std::map<std::string, std::string, std::less<>> hosts_;
};

class Renderer;
// Passes every event to `inner` with its addresses, user and host names replaced.
std::unique_ptr<Renderer> make_anonymizer(std::unique_ptr<Renderer> inner);

}  // namespace ftpsniff
