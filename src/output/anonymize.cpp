#include "ftpsniff/anonymize.hpp"

#include "ftpsniff/output.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>

namespace ftpsniff {

namespace {

// Top-level domains that mark a word as a host name.
constexpr std::array<std::string_view, 24> kTlds = {"com", "net", "org", "edu", "gov", "mil", "int", "io",
                                                    "info", "biz", "local", "lan", "internal", "example", "de",
                                                    "uk", "fr", "jp", "kr", "cn", "be", "nl", "ru", "us"};

bool is_address_char(char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; }
bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }
bool is_host_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; }

}  // namespace

IpAddress Anonymizer::address(const IpAddress& ip) {
    auto it = addresses_.find(ip);
    if (it != addresses_.end()) return it->second;
    auto n = static_cast<std::uint32_t>(addresses_.size() + 1);
    IpAddress fake{ip.version, {}};
    if (ip.version == 4) {
        // 198.18.0.0/15 is set aside for benchmarks: no real peer lives there.
        fake.bytes = {198, static_cast<std::uint8_t>(18 + (n >> 16 & 1)), static_cast<std::uint8_t>(n >> 8),
                      static_cast<std::uint8_t>(n)};
    } else {
        fake.bytes = {0x20, 0x01, 0x0d, 0xb8};  // 2001:db8::/32, for documentation
        fake.bytes[14] = static_cast<std::uint8_t>(n >> 8);
        fake.bytes[15] = static_cast<std::uint8_t>(n);
    }
    addresses_.emplace(ip, fake);
    return fake;
}

std::string Anonymizer::user(std::string_view name) {
    auto it = users_.find(name);
    if (it != users_.end()) return it->second;
    std::string fake = "user" + std::to_string(users_.size() + 1);
    users_.emplace(std::string(name), fake);
    return fake;
}

std::string Anonymizer::text(std::string_view in) {
    // Dotted IPv4 and IPv6 addresses.
    std::string out;
    for (std::size_t i = 0; i < in.size();) {
        if (!is_address_char(in[i]) || (i > 0 && is_word_char(in[i - 1]) && !is_address_char(in[i - 1]))) {
            out += in[i++];
            continue;
        }
        std::size_t j = i;
        while (j < in.size() && is_address_char(in[j])) ++j;
        std::string_view run = in.substr(i, j - i);
        while (!run.empty() && run.back() == '.') run.remove_suffix(1);  // a full stop is no part of it
        std::string token(run);
        IpAddress ip{};
        bool v6 = token.find(':') != std::string::npos;
        if (inet_pton(v6 ? AF_INET6 : AF_INET, token.c_str(), ip.bytes.data()) == 1) {
            ip.version = v6 ? 6 : 4;
            out += to_string(address(ip));
            i += run.size();
        } else {
            out.append(in.substr(i, j - i));
            i = j;
        }
    }
    // The comma form of PORT and 227: h1,h2,h3,h4,p1,p2.
    std::string result;
    for (std::size_t i = 0; i < out.size();) {
        if (!std::isdigit(static_cast<unsigned char>(out[i])) ||
            (i > 0 && std::isdigit(static_cast<unsigned char>(out[i - 1])))) {
            result += out[i++];
            continue;
        }
        std::array<unsigned, 6> n{};
        std::size_t j = i, count = 0;
        while (count < 6 && j < out.size() && std::isdigit(static_cast<unsigned char>(out[j]))) {
            unsigned v = 0;
            std::size_t digits = 0;
            while (j < out.size() && std::isdigit(static_cast<unsigned char>(out[j])) && digits < 4) {
                v = v * 10 + static_cast<unsigned>(out[j++] - '0');
                ++digits;
            }
            n[count++] = v;
            if (count < 6 && j < out.size() && out[j] == ',') ++j;
            else break;
        }
        if (count == 6 && n[0] <= 255 && n[1] <= 255 && n[2] <= 255 && n[3] <= 255) {
            IpAddress ip{4, {static_cast<std::uint8_t>(n[0]), static_cast<std::uint8_t>(n[1]),
                             static_cast<std::uint8_t>(n[2]), static_cast<std::uint8_t>(n[3])}};
            IpAddress fake = address(ip);
            result += std::to_string(fake.bytes[0]) + "," + std::to_string(fake.bytes[1]) + "," +
                      std::to_string(fake.bytes[2]) + "," + std::to_string(fake.bytes[3]) + "," +
                      std::to_string(n[4]) + "," + std::to_string(n[5]);
            i = j;
        } else {
            result += out[i++];
        }
    }
    return replace_hosts(replace_users(std::move(result)));
}

std::string Anonymizer::replace_users(std::string text) {
    for (const auto& [name, fake] : users_) {
        if (name.empty()) continue;
        for (std::size_t at = text.find(name); at != std::string::npos; at = text.find(name, at)) {
            bool whole = (at == 0 || !is_word_char(text[at - 1])) &&
                         (at + name.size() == text.size() || !is_word_char(text[at + name.size()]));
            if (!whole) {
                at += name.size();
                continue;
            }
            text.replace(at, name.size(), fake);
            at += fake.size();
        }
    }
    return text;
}

std::string Anonymizer::replace_hosts(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size();) {
        if (!std::isalnum(static_cast<unsigned char>(in[i])) || (i > 0 && is_host_char(in[i - 1]))) {
            out += in[i++];
            continue;
        }
        std::size_t j = i;
        while (j < in.size() && is_host_char(in[j])) ++j;
        std::string_view word = in.substr(i, j - i);
        while (!word.empty() && word.back() == '.') word.remove_suffix(1);
        std::size_t dot = word.rfind('.');
        std::string tld = dot == std::string_view::npos ? "" : std::string(word.substr(dot + 1));
        for (char& c : tld) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        bool host = !tld.empty() && std::find(kTlds.begin(), kTlds.end(), tld) != kTlds.end();
        if (!host) {
            out.append(word);
            i += word.size();
            continue;
        }
        auto it = hosts_.find(word);
        if (it == hosts_.end()) {
            it = hosts_.emplace(std::string(word), "host" + std::to_string(hosts_.size() + 1) + ".example").first;
        }
        out += it->second;
        i += word.size();
    }
    return out;
}

namespace {

class AnonymizingRenderer : public Renderer {
public:
    explicit AnonymizingRenderer(std::unique_ptr<Renderer> inner) : inner_(std::move(inner)) {}

    void session_start(const FlowInfo& flow, Timestamp ts) override { inner_->session_start(hide(flow), ts); }
    void command(const FlowInfo& flow, const CommandEvent& ev) override {
        CommandEvent copy = ev;
        std::string arg = ev.verb == "USER" ? a_.user(ev.arg) : a_.text(ev.arg);
        copy.arg = arg;
        inner_->command(hide(flow), copy);
    }
    void reply(const FlowInfo& flow, const ReplyEvent& ev, const Annotation& note) override {
        Reply reply = ev.reply;
        reply.lines = {};
        for (std::string_view line : ev.reply.lines) reply.lines.push_back(a_.text(line));
        ReplyEvent copy{ev.ts, reply, ev.command, ev.latency_ms, ev.greeting, ev.data_address, ev.abort_pending,
                        ev.uncertain};
        Annotation hidden = note;
        for (Diagnosis& d : hidden.diagnoses) d.message = a_.text(d.message);
        inner_->reply(hide(flow), copy, hidden);
    }
    void unparsed(const FlowInfo& flow, const UnparsedEvent& ev) override {
        std::string line = a_.text(ev.line);
        UnparsedEvent copy = ev;
        copy.line = line;
        inner_->unparsed(hide(flow), copy);
    }
    void gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) override {
        inner_->gap(hide(flow), ts, dir, length);
    }
    void anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) override {
        inner_->anomaly(hide(flow), ts, dir, what);
    }
    void tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) override { inner_->tls(hide(flow), ts, mode); }
    void data_channel(const FlowInfo& flow, const DataChannelEvent& ev) override {
        DataChannelEvent copy = ev;
        copy.listener = a_.endpoint(ev.listener);
        if (ev.opener) copy.opener = a_.endpoint(*ev.opener);
        inner_->data_channel(hide(flow), copy);
    }
    void session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) override {
        SessionState copy = state;
        if (!copy.user.empty()) copy.user = a_.user(copy.user);
        if (copy.cwd) copy.cwd = a_.text(*copy.cwd);
        if (copy.rename_from) copy.rename_from = a_.text(*copy.rename_from);
        inner_->session_end(hide(flow), ts, why, copy);
    }
    void summary(const RunSummary& run) override {
        RunSummary copy = run;
        copy.login_failures.clear();
        for (const auto& [ip, f] : run.login_failures) copy.login_failures[a_.address(ip)] = f;
        inner_->summary(copy);
    }

private:
    FlowInfo hide(const FlowInfo& flow) {
        FlowInfo copy = flow;
        copy.client = a_.endpoint(flow.client);
        copy.server = a_.endpoint(flow.server);
        return copy;
    }

    std::unique_ptr<Renderer> inner_;
    Anonymizer a_;
};

}  // namespace

std::unique_ptr<Renderer> make_anonymizer(std::unique_ptr<Renderer> inner) {
    return std::make_unique<AnonymizingRenderer>(std::move(inner));
}

}  // namespace ftpsniff
