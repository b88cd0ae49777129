#include "ftpsniff/data_channel.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <string>

namespace ftpsniff {

namespace {

DataAddressResult fail(AddressError why) { return {std::nullopt, why}; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The longest list any form takes: LPRT's af, hal, 16 bytes, pal, 2 bytes.
constexpr std::size_t kMostNumbers = 2 + 16 + 3;

// A short list of numbers, kept in place: every PASV reply is parsed.
struct Numbers {
    std::array<unsigned long, kMostNumbers> values{};
    std::size_t count = 0;

    [[nodiscard]] std::size_t size() const { return count; }
    [[nodiscard]] bool empty() const { return count == 0; }
    unsigned long operator[](std::size_t i) const { return values[i]; }
    [[nodiscard]] const unsigned long* begin() const { return values.data(); }
    [[nodiscard]] const unsigned long* end() const { return values.data() + count; }
};

// Up to `max` (at most kMostNumbers) decimal numbers separated by single
// commas (or, where `dots_too`, dots), starting at the first digit of `text`.
Numbers numbers(std::string_view text, std::size_t max, bool dots_too) {
    Numbers out;
    max = std::min(max, kMostNumbers);
    std::size_t i = 0;
    while (i < text.size() && !is_digit(text[i])) ++i;
    while (i < text.size() && out.count < max) {
        std::size_t start = i;
        while (i < text.size() && is_digit(text[i]) && i - start < 10) ++i;
        if (i == start) break;
        unsigned long v = 0;
        std::from_chars(text.data() + start, text.data() + i, v);
        out.values[out.count++] = v;
        if (i >= text.size() || !(text[i] == ',' || (dots_too && text[i] == '.'))) break;
        ++i;
    }
    return out;
}

DataAddressResult from_six(const Numbers& n) {
    if (n.size() < 6) return fail(AddressError::fewer_than_six_numbers);
    for (std::size_t i = 0; i < 6; ++i) {
        if (n[i] > 255) return fail(AddressError::number_above_255);
    }
    IpAddress ip{4, {}};
    for (std::size_t i = 0; i < 4; ++i) ip.bytes[i] = static_cast<std::uint8_t>(n[i]);
    auto port = static_cast<std::uint16_t>(n[4] * 256 + n[5]);
    if (port == 0) return fail(AddressError::port_zero);
    return {DataAddress{ip, port}, {}};
}

// af,hal,h1..h(hal),pal,p1..p(pal) as in LPRT and 228.
DataAddressResult from_long(const Numbers& n) {
    if (n.size() < 2) return fail(AddressError::no_family_and_length);
    unsigned long af = n[0], hal = n[1];
    if (!((af == 4 && hal == 4) || (af == 6 && hal == 16))) return fail(AddressError::family_not_4_or_6);
    if (n.size() < 2 + hal + 1) return fail(AddressError::address_cut_short);
    unsigned long pal = n[2 + hal];
    if (pal != 2 || n.size() < 2 + hal + 1 + pal) return fail(AddressError::port_not_two_numbers);
    for (unsigned long v : n) {
        if (v > 255) return fail(AddressError::number_above_255);
    }
    IpAddress ip{static_cast<std::uint8_t>(af), {}};
    for (std::size_t i = 0; i < hal; ++i) ip.bytes[i] = static_cast<std::uint8_t>(n[2 + i]);
    auto port = static_cast<std::uint16_t>(n[3 + hal] * 256 + n[4 + hal]);
    if (port == 0) return fail(AddressError::port_zero);
    return {DataAddress{ip, port}, {}};
}

bool parse_port_number(std::string_view s, std::uint16_t& out) {
    unsigned long v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v == 0 || v > 65535) return false;
    out = static_cast<std::uint16_t>(v);
    return true;
}

// The fields of "<d>f1<d>f2<d>f3<d>": three fields between four delimiters.
bool extended_fields(std::string_view s, std::string_view& f1, std::string_view& f2, std::string_view& f3) {
    if (s.size() < 4 || s[0] < 33 || s[0] > 126) return false;
    char d = s[0];
    std::string_view rest = s.substr(1);
    std::string_view* fields[] = {&f1, &f2, &f3};
    for (auto* f : fields) {
        std::size_t end = rest.find(d);
        if (end == std::string_view::npos) return false;
        *f = rest.substr(0, end);
        rest.remove_prefix(end + 1);
    }
    return true;
}

}  // namespace

std::string_view address_error_text(AddressError e) {
    switch (e) {
    case AddressError::fewer_than_six_numbers: return "fewer than six numbers";
    case AddressError::number_above_255: return "a number is above 255";
    case AddressError::port_zero: return "port 0";
    case AddressError::no_family_and_length: return "no address family and length";
    case AddressError::family_not_4_or_6: return "address family is neither 4 nor 6";
    case AddressError::address_cut_short: return "address cut short";
    case AddressError::port_not_two_numbers: return "port is not two numbers";
    case AddressError::no_numbers_in_reply: return "no numbers in the reply";
    case AddressError::no_numbers_in_argument: return "no numbers in the argument";
    case AddressError::no_parenthesis: return "no '(' in the reply";
    case AddressError::not_epsv_form: return "not (<d><d><d>port<d>)";
    case AddressError::epsv_fields_not_empty: return "network protocol or address given; they must be empty";
    case AddressError::port_not_a_number: return "port is not a number from 1 to 65535";
    case AddressError::not_eprt_form: return "not <d>af<d>address<d>port<d>";
    case AddressError::family_not_1_or_2: return "address family is neither 1 (IPv4) nor 2 (IPv6)";
    case AddressError::address_not_of_family: return "address does not match its family";
    case AddressError::none: break;
    }
    return "";
}

bool is_passive_verb(std::string_view verb) { return verb == "PASV" || verb == "EPSV" || verb == "LPSV"; }
bool is_active_verb(std::string_view verb) { return verb == "PORT" || verb == "EPRT" || verb == "LPRT"; }
bool is_transfer_verb(std::string_view verb) {
    return verb == "RETR" || verb == "STOR" || verb == "STOU" || verb == "APPE" || verb == "LIST" || verb == "NLST" ||
           verb == "MLSD";
}

DataAddressResult parse_pasv_reply(std::string_view text) {
    auto n = numbers(text, 6, true);
    if (n.empty()) return fail(AddressError::no_numbers_in_reply);
    return from_six(n);
}

DataAddressResult parse_port_arg(std::string_view arg) {
    auto n = numbers(arg, 6, false);
    if (n.empty()) return fail(AddressError::no_numbers_in_argument);
    return from_six(n);
}

DataAddressResult parse_lpsv_reply(std::string_view text) {
    std::size_t open = text.find('(');
    return from_long(numbers(open == std::string_view::npos ? text : text.substr(open), kMostNumbers, false));
}

DataAddressResult parse_lprt_arg(std::string_view arg) { return from_long(numbers(arg, kMostNumbers, false)); }

DataAddressResult parse_epsv_reply(std::string_view text) {
    std::size_t open = text.find('(');
    if (open == std::string_view::npos) return fail(AddressError::no_parenthesis);
    std::string_view f1, f2, f3;
    if (!extended_fields(text.substr(open + 1), f1, f2, f3)) return fail(AddressError::not_epsv_form);
    if (!f1.empty() || !f2.empty()) return fail(AddressError::epsv_fields_not_empty);
    std::uint16_t port = 0;
    if (!parse_port_number(f3, port)) return fail(AddressError::port_not_a_number);
    return {DataAddress{std::nullopt, port}, {}};
}

DataAddressResult parse_eprt_arg(std::string_view arg) {
    std::string_view af, addr, port_text;
    if (!extended_fields(arg, af, addr, port_text)) return fail(AddressError::not_eprt_form);
    if (af != "1" && af != "2") return fail(AddressError::family_not_1_or_2);
    IpAddress ip{static_cast<std::uint8_t>(af == "1" ? 4 : 6), {}};
    std::string text(addr);
    if (inet_pton(af == "1" ? AF_INET : AF_INET6, text.c_str(), ip.bytes.data()) != 1) {
        return fail(AddressError::address_not_of_family);
    }
    std::uint16_t port = 0;
    if (!parse_port_number(port_text, port)) return fail(AddressError::port_not_a_number);
    return {DataAddress{ip, port}, {}};
}

}  // namespace ftpsniff
