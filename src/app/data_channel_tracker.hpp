// The part of annotation the packet loop cannot wait for: which data
// connections each session announced (the next packets may open them), and
// whether a transfer's announced connection was seen. Everything else goes
// on to the SessionEvents it feeds, with the data connections' reports.
#pragma once

#include "ftpsniff/data_flows.hpp"
#include "ftpsniff/ftp_session.hpp"
#include "ftpsniff/session_events.hpp"

#include <absl/container/flat_hash_map.h>

namespace ftpsniff {

class DataChannelTracker : public FtpEvents, public DataFlowEvents {
public:
    DataChannelTracker(SessionEvents& next, AnomalyCounts& anomalies) : next_(next), data_flows_(*this, anomalies) {}

    // The data connections the sessions announced; the packet loop feeds it.
    DataFlowTable& data_flows() { return data_flows_; }
    // Replies seen so far (for -c).
    [[nodiscard]] std::uint64_t replies() const { return replies_; }

    void on_session_start(const FlowInfo& flow, Timestamp ts) override;
    void on_command(const FlowInfo& flow, const CommandEvent& ev) override;
    void on_reply(const FlowInfo& flow, const ReplyEvent& ev) override;
    void on_unparsed(const FlowInfo& flow, const UnparsedEvent& ev) override { next_.unparsed(flow, ev); }
    void on_gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) override {
        next_.gap(flow, ts, dir, length);
    }
    void on_anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) override {
        next_.anomaly(flow, ts, dir, what);
    }
    void on_tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) override { next_.tls(flow, ts, mode); }
    void on_session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) override;

    void on_data_flow_open(const DataFlowReport& report) override;
    void on_data_flow_end(const DataFlowReport& report) override;

private:
    struct Track {
        FlowInfo flow;
        bool passive = true;
        Endpoint listener;
        bool announced = false;  // an address waits for its transfer
        bool opened = false;     // a connection to it was seen
        std::string transfer;    // the last transfer command
        unsigned open_flows = 0;
        bool ended = false;
    };

    std::optional<DataChannelEvent> check_transfer(const FlowInfo& flow, const ReplyEvent& ev);
    void announce(Track& t, bool passive, const Endpoint& listener);
    void drop_if_done(std::uint64_t id);

    SessionEvents& next_;
    DataFlowTable data_flows_;
    absl::flat_hash_map<std::uint64_t, Track> tracks_;  // a Track& is never held across an insertion
    std::uint64_t replies_ = 0;
};

}  // namespace ftpsniff
