// Parsers for the addresses FTP announces for data connections: the replies
// to PASV (227), EPSV (229) and LPSV (228), and the arguments of PORT, EPRT
// and LPRT. Each checks the values (octets at most 255, ports 1-65535, EPRT
// family 1 or 2) and says what is wrong when it cannot use them.
#pragma once

#include "ftpsniff/decode.hpp"

#include <optional>
#include <string_view>

namespace ftpsniff {

// Commands that set up a data connection the server listens for (passive)
// or opens (active), and those that move data over one.
bool is_passive_verb(std::string_view verb);   // PASV, EPSV, LPSV
bool is_active_verb(std::string_view verb);    // PORT, EPRT, LPRT
bool is_transfer_verb(std::string_view verb);  // RETR, STOR, STOU, APPE, LIST, NLST, MLSD

struct DataAddress {
    std::optional<IpAddress> ip;  // none for EPSV: the control connection's server address
    std::uint16_t port = 0;
};

enum class AddressError : std::uint8_t {
    none,
    fewer_than_six_numbers,
    number_above_255,
    port_zero,
    no_family_and_length,
    family_not_4_or_6,
    address_cut_short,
    port_not_two_numbers,
    no_numbers_in_reply,
    no_numbers_in_argument,
    no_parenthesis,
    not_epsv_form,
    epsv_fields_not_empty,
    port_not_a_number,
    not_eprt_form,
    family_not_1_or_2,
    address_not_of_family,
};

// Why an address cannot be used, in a few words ("port 0"); "" for none.
std::string_view address_error_text(AddressError e);

struct DataAddressResult {
    std::optional<DataAddress> address;
    AddressError error = AddressError::none;  // why there is no address
};

// 227: the first six numbers after the code, wherever they start (RFC 1123
// §4.1.2.6: "(h1,h2,h3,h4,p1,p2)", without parentheses, or with dots).
DataAddressResult parse_pasv_reply(std::string_view text);
// 229: "(<d><d><d><port><d>)" with any delimiter from '!' to '~' (RFC 2428 §3).
DataAddressResult parse_epsv_reply(std::string_view text);
// 228: "(af,hal,h1,...,pal,p1,p2)", IPv4 (4,4,...) or IPv6 (6,16,...) (RFC 1639 §3).
DataAddressResult parse_lpsv_reply(std::string_view text);
// PORT h1,h2,h3,h4,p1,p2 (RFC 959 §4.1.2).
DataAddressResult parse_port_arg(std::string_view arg);
// EPRT <d><af><d><address><d><port><d>, af 1 (IPv4) or 2 (IPv6) (RFC 2428 §2).
DataAddressResult parse_eprt_arg(std::string_view arg);
// LPRT af,hal,h1,...,pal,p1,p2 (RFC 1639 §2).
DataAddressResult parse_lprt_arg(std::string_view arg);

}  // namespace ftpsniff
