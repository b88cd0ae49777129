// Recognises FTP on a connection whose port says nothing (--detect): it holds
// the first bytes of each direction until the server's first line is a
// 120/220 greeting and the client's first line is a command an FTP client
// opens with (USER, AUTH, FEAT, OPTS, HOST, CLNT, SYST). Then it makes the
// FtpSession and replays what it held, in order; anything else (an SMTP
// greeting answered by EHLO, a stream picked up mid-way, a long first line)
// is not followed any further.
#pragma once

#include "ftpsniff/frame_counter.hpp"
#include "ftpsniff/reassembly.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

class FtpDetector : public StreamHandler {
public:
    using SessionFactory = std::function<std::unique_ptr<StreamHandler>()>;

    static constexpr std::size_t kHeldBytes = 512;  // per direction, before deciding

    // `frames`, when given, numbers what it replays by the frames it came in.
    explicit FtpDetector(SessionFactory make_session, FrameCounter* frames = nullptr)
        : make_session_(std::move(make_session)), frames_(frames), first_frame_(frames ? frames->current() : 0) {}

    void on_data(Direction dir, Timestamp ts, std::span<const std::uint8_t> bytes) override;
    void on_gap(Direction dir, Timestamp ts, std::uint64_t length) override;
    void on_anomaly(Direction dir, Timestamp ts, Anomaly what) override;
    void on_close(Timestamp ts, CloseReason why) override;

private:
    enum class Verdict : std::uint8_t { undecided, ftp, other };

    struct Chunk {
        Direction dir;
        Timestamp ts;
        std::uint64_t frame;
        std::vector<std::uint8_t> bytes;
    };

    Verdict judge() const;
    // The first line held for `dir`, without its ending, once it is complete.
    std::optional<std::string> first_line(Direction dir) const;

    SessionFactory make_session_;
    FrameCounter* frames_;
    std::uint64_t first_frame_;  // the connection's first packet's
    std::unique_ptr<StreamHandler> session_;
    bool rejected_ = false;
    std::vector<Chunk> held_;
    std::size_t held_bytes_[2] = {0, 0};
};

}  // namespace ftpsniff
