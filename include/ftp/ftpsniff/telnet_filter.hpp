// Removes Telnet commands from an FTP control stream (RFC 854; RFC 959 §4.1:
// the control connection speaks Telnet). IAC IAC is one data byte 0xFF;
// IAC WILL/WONT/DO/DONT <option> and IAC SB ... IAC SE are negotiation (FTP
// uses no subnegotiation: one still open at an LF ends there, and the LF is
// handed on, so a lone IAC SB cannot hide the commands after it); any
// other IAC <command> (IP and DM before ABOR, NOP, ...) is a signal. Data
// between them is handed on as views into the input (the data byte of IAC IAC
// is its second IAC), so a stream without IAC passes through untouched and
// every byte handed on has a place in the stream. State carries across chunks.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <utility>

namespace ftpsniff {

class TelnetFilter {
public:
    template <class Sink>
    void feed(std::span<const std::uint8_t> bytes, Sink&& sink) {
        while (!bytes.empty()) {
            if (state_ == State::data) {
                const void* iac = std::memchr(bytes.data(), kIac, bytes.size());
                std::size_t n =
                    iac ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(iac) - bytes.data()) : bytes.size();
                if (n > 0) sink(bytes.first(n));
                if (!iac) return;
                bytes = bytes.subspan(n + 1);
                state_ = State::command;
                continue;
            }
            if (state_ == State::command && bytes.front() == kIac) {
                sink(bytes.first(1));
                state_ = State::data;
            } else if ((state_ == State::sub || state_ == State::sub_iac) && bytes.front() == '\n') {
                unterminated_ = true;
                sink(bytes.first(1));
                state_ = State::data;
            } else {
                step(bytes.front());
            }
            bytes = bytes.subspan(1);
        }
    }

    // Bytes are missing: whatever command was open is forgotten.
    void reset() { state_ = State::data; }

    // Whether a subnegotiation was ended by an LF since the last call.
    bool take_unterminated() { return std::exchange(unterminated_, false); }
    // Whether an Interrupt Process (IAC IP) came since the last call: RFC
    // 959 §4.1.3 has a client send it, then the Synch, before ABOR.
    bool take_interrupt() { return std::exchange(interrupt_, false); }

private:
    static constexpr std::uint8_t kIac = 255, kSb = 250, kSe = 240, kWill = 251, kDont = 254, kIp = 244;
    enum class State : std::uint8_t { data, command, option, sub, sub_iac };

    void step(std::uint8_t b) {
        switch (state_) {
        case State::command:
            if (b >= kWill && b <= kDont) {
                state_ = State::option;
            } else if (b == kSb) {
                state_ = State::sub;
            } else {
                if (b == kIp) interrupt_ = true;
                state_ = State::data;
            }
            break;
        case State::option: state_ = State::data; break;
        case State::sub:
            if (b == kIac) state_ = State::sub_iac;
            break;
        case State::sub_iac: state_ = b == kSe ? State::data : State::sub; break;
        case State::data: break;
        }
    }

    State state_ = State::data;
    bool unterminated_ = false;
    bool interrupt_ = false;
};

}  // namespace ftpsniff
