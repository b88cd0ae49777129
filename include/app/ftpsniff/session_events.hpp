// The events of every session on their way from the packet loop to the
// annotator: what the FTP layer reported, and the data connections the loop
// followed for it. The loop only tracks what its next packets depend on;
// explanations, diagnoses and counts are made by the receiver, which
// make_async can move to a thread of its own.
#pragma once

#include "ftpsniff/ftp_session.hpp"
#include "ftpsniff/output.hpp"

#include <memory>

namespace ftpsniff {

class SessionEvents {
public:
    virtual ~SessionEvents() = default;
    virtual void session_start(const FlowInfo& flow, Timestamp ts) = 0;
    virtual void command(const FlowInfo& flow, const CommandEvent& ev) = 0;
    // `missing`: the reply reports a transfer done whose announced data
    // connection never appeared in the capture; null otherwise.
    virtual void reply(const FlowInfo& flow, const ReplyEvent& ev, const DataChannelEvent* missing) = 0;
    virtual void unparsed(const FlowInfo& flow, const UnparsedEvent& ev) = 0;
    virtual void gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) = 0;
    virtual void anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) = 0;
    virtual void tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) = 0;
    virtual void data_channel(const FlowInfo& flow, const DataChannelEvent& ev) = 0;
    virtual void session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) = 0;
    // After the last event: puts what the receiver counted (sessions,
    // replies, logins, ...) into `run` and writes the summary.
    virtual void summary(RunSummary& run) = 0;
};

// Calls `inner` on a thread of its own, in the same order, with copies of the
// events; summary() waits for it to catch up and runs on the caller's
// thread. Events are handed over in batches, so not for live output that
// must appear as it happens.
std::unique_ptr<SessionEvents> make_async(std::unique_ptr<SessionEvents> inner);

}  // namespace ftpsniff
