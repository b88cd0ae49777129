// Which data connection each session announced, so the packet loop can
// follow it: the next packets may open it. Every event goes on to `next`,
// with a data-channel event when a followed connection ends, and one just
// before a transfer's final reply when its announced connection never
// appeared in the capture.
#pragma once

#include "ftpsniff/data_flows.hpp"
#include "ftpsniff/events.hpp"

#include <absl/container/flat_hash_map.h>

#include <memory>
#include <optional>
#include <utility>

namespace ftpsniff {

class DataChannelTracker : public EventSink, public DataFlowEvents {
public:
    // `frames`, if given, numbers the frame that ends a data connection.
    DataChannelTracker(EventSink& next, AnomalyCounts& anomalies, const FrameCounter* frames = nullptr)
        : next_(next), frames_(frames), data_flows_(*this, anomalies) {}

    // The data connections the sessions announced; the packet loop feeds it.
    DataFlowTable& data_flows() { return data_flows_; }
    // Replies seen so far (for -c).
    [[nodiscard]] std::uint64_t replies() const { return replies_; }

    void on(const Event& ev) override;
    Event* slot(std::size_t kind) override { return next_.slot(kind); }

    void on_data_flow_open(const DataFlowReport& report) override;
    void on_data_flow_end(const DataFlowReport& report) override;

private:
    // What a download should carry, from what the session said before it.
    struct Sizes {
        std::size_t size_query = 0;                                  // hash of the last SIZE argument
        std::optional<std::pair<std::size_t, std::uint64_t>> sized;  // (hash of a path, its 213 size)
        std::size_t retr = 0;                                        // hash of the last RETR argument
        std::uint64_t rest_pending = 0;                              // a REST not yet accepted
        std::uint64_t rest = 0;                                      // the accepted offset for the next transfer
        bool binary_pending = false;                                 // the TYPE waiting for its reply
        bool binary = false;                                         // TYPE I (or L 8) accepted
        bool stream_pending = true;                                  // the MODE waiting for its reply
        bool stream = true;                                          // MODE S, the default, in effect
    };
    struct Track {
        FlowInfo flow;
        bool passive = true;
        Endpoint listener;
        std::optional<Endpoint> alternate;  // the server's own address, for a PASV naming another
        bool announced = false;             // an address waits for its transfer
        bool opened = false;                // a connection to it was seen
        std::string transfer;               // the last transfer command
        std::string argument;               // its argument
        std::string path;                   // and that as a path (ReplyEvent::path), once a reply came
        unsigned open_flows = 0;
        bool ended = false;
        // The last connection opened for it, and what is known of it.
        std::optional<std::pair<Endpoint, Endpoint>> current;  // (opener, listener)
        std::uint64_t opened_frame = 0;                        // its first SYN
        std::optional<std::uint64_t> expected;
        bool started = false;
        bool aborted = false;
        // The current transfer's final reply, once it came.
        int final_code = 0;
        std::uint64_t final_frame = 0;
        // A reset or short connection that ended before its transfer's final
        // reply, held until that reply comes, which says whether the transfer
        // failed.
        std::unique_ptr<Event> held;
        Sizes sizes;
    };

    void command(const FlowInfo& flow, Timestamp ts, const CommandEvent& ev);
    void reply(const Event& ev, const ReplyEvent& reply);
    void learn_sizes(Track& t, const ReplyEvent& r);
    void session_end(const FlowInfo& flow);
    void announce(Track& t, bool passive, const Endpoint& listener, Timestamp now);
    // Ends the current connection if its SYNs are unanswered, reported at `now`.
    void give_up(Track& t, Timestamp now);
    void release_held(Track& t, int final_code, std::uint64_t final_frame);
    void drop_if_done(std::uint64_t id);

    EventSink& next_;
    const FrameCounter* frames_;
    DataFlowTable data_flows_;
    absl::flat_hash_map<std::uint64_t, Track> tracks_;  // a Track& is never held across an insertion
    Event data_ = {{}, {}, DataChannelEvent{}};         // reused for every data-channel event
    std::uint64_t replies_ = 0;
    std::optional<Timestamp> giving_up_at_;
    bool session_ending_ = false;  // open connections being closed with their session
};

}  // namespace ftpsniff
