#include "ftpsniff/ftp_detector.hpp"

#include "ftpsniff/ftp_parse.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace ftpsniff {

namespace {

// Commands FTP clients open a session with; none opens SMTP, POP3 or IMAP
// (whose servers also greet first, SMTP even with 220).
constexpr std::array<std::string_view, 7> kOpeningVerbs = {"USER", "AUTH", "FEAT", "OPTS", "HOST", "CLNT", "SYST"};

}  // namespace

std::optional<std::string> FtpDetector::first_line(Direction dir) const {
    std::string joined;
    for (const Chunk& c : held_) {
        if (c.dir != dir) continue;
        joined.append(c.bytes.begin(), c.bytes.end());
        std::size_t lf = joined.find('\n');
        if (lf != std::string::npos) {
            joined.resize(lf);
            if (!joined.empty() && joined.back() == '\r') joined.pop_back();
            return joined;
        }
    }
    return std::nullopt;
}

FtpDetector::Verdict FtpDetector::judge() const {
    auto server = first_line(Direction::to_client);
    if (server) {
        auto reply = parse_reply_line(*server);
        if (!reply || (reply->code != 220 && reply->code != 120)) return Verdict::other;
    }
    auto client = first_line(Direction::to_server);
    if (client) {
        auto command = parse_command(*client);
        if (!command ||
            std::find(kOpeningVerbs.begin(), kOpeningVerbs.end(), upper_verb(command->verb)) == kOpeningVerbs.end()) {
            return Verdict::other;
        }
    }
    if (server && client) return Verdict::ftp;
    if (held_bytes_[0] >= kHeldBytes || held_bytes_[1] >= kHeldBytes) return Verdict::other;
    return Verdict::undecided;
}

void FtpDetector::on_data(Direction dir, Timestamp ts, std::span<const std::uint8_t> bytes) {
    if (session_) {
        session_->on_data(dir, ts, bytes);
        return;
    }
    if (rejected_) return;
    std::size_t room = kHeldBytes - std::min(kHeldBytes, held_bytes_[static_cast<std::size_t>(dir)]);
    std::span<const std::uint8_t> kept = bytes.first(std::min(room, bytes.size()));
    held_.push_back(Chunk{dir, ts, frames_ != nullptr ? frames_->current() : 0,
                          std::vector<std::uint8_t>(kept.begin(), kept.end())});
    held_bytes_[static_cast<std::size_t>(dir)] += bytes.size();
    switch (judge()) {
    case Verdict::undecided: return;
    case Verdict::other:
        rejected_ = true;
        held_.clear();
        return;
    case Verdict::ftp: break;
    }
    if (kept.size() < bytes.size()) {  // never for a real FTP opening, but keep the stream whole
        held_.back().bytes.assign(bytes.begin(), bytes.end());
    }
    // The session starts, and reads each chunk, as of the frame it came in.
    const std::uint64_t now = frames_ != nullptr ? frames_->current() : 0;
    auto as_of = [this](std::uint64_t frame) {
        if (frames_ != nullptr) frames_->set(frame);
    };
    as_of(first_frame_);
    session_ = make_session_();
    for (const Chunk& c : held_) {
        as_of(c.frame);
        session_->on_data(c.dir, c.ts, c.bytes);
    }
    as_of(now);
    held_.clear();
}

void FtpDetector::on_gap(Direction dir, Timestamp ts, std::uint64_t length) {
    if (session_) {
        session_->on_gap(dir, ts, length);
        return;
    }
    // Without the start of both directions there is no greeting to go by.
    rejected_ = true;
    held_.clear();
}

void FtpDetector::on_anomaly(Direction dir, Timestamp ts, Anomaly what) {
    if (session_) session_->on_anomaly(dir, ts, what);
}

void FtpDetector::on_close(Timestamp ts, CloseReason why) {
    if (session_) session_->on_close(ts, why);
}

}  // namespace ftpsniff
