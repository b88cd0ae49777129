// Receives the FTP events of every session and the reports of their data
// connections, annotates replies (knowledge base and diagnoses), ties data
// connections to the transfers they serve, hides passwords, and hands it all
// to the renderer.
#pragma once

#include "ftpsniff/data_flows.hpp"
#include "ftpsniff/diagnose.hpp"
#include "ftpsniff/ftp_session.hpp"
#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/output.hpp"

#include <absl/container/flat_hash_map.h>
#include <absl/hash/hash.h>

namespace ftpsniff {

class Annotator : public FtpEvents, public DataFlowEvents {
public:
    Annotator(const KnowledgeBase& kb, Renderer& renderer, RunSummary& run, bool show_passwords);

    // The data connections the sessions announced; the packet loop feeds it.
    DataFlowTable& data_flows() { return data_flows_; }

    void on_session_start(const FlowInfo& flow, Timestamp ts) override;
    void on_command(const FlowInfo& flow, const CommandEvent& ev) override;
    void on_reply(const FlowInfo& flow, const ReplyEvent& ev) override;
    void on_unparsed(const FlowInfo& flow, const UnparsedEvent& ev) override;
    void on_gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) override;
    void on_anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) override;
    void on_tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) override;
    void on_session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) override;

    void on_data_flow_open(const DataFlowReport& report) override;
    void on_data_flow_end(const DataFlowReport& report) override;

private:
    // What a session's data connections need to know of it.
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

    // Looks a (code, command) pair up by value: the std::string key is
    // made only when a pair is first seen.
    struct CodeVerbHash {
        using is_transparent = void;
        std::size_t operator()(std::pair<int, std::string_view> k) const { return absl::HashOf(k.first, k.second); }
    };
    struct CodeVerbEq {
        using is_transparent = void;
        bool operator()(std::pair<int, std::string_view> a, std::pair<int, std::string_view> b) const { return a == b; }
    };

    Annotation explanation(int code, std::optional<std::string_view> command);
    void track_data_channel(Track& t, const ReplyEvent& ev, Annotation& note);
    void announce(Track& t, bool passive, const Endpoint& listener);
    void note_login_failure(const FlowInfo& flow, Annotation& note);
    void drop_if_done(std::uint64_t id);

    const KnowledgeBase& kb_;
    Renderer& renderer_;
    RunSummary& run_;
    bool show_passwords_;
    DiagnoseOptions diagnose_options_;
    DataFlowTable data_flows_;
    absl::flat_hash_map<std::uint64_t, Track> tracks_;  // a Track& is never held across an insertion
    // annotate() per (code, command): the knowledge base's tree is walked once
    // per pair. Commands come from the network, so the cache is emptied when
    // full, and verbs longer than any the base lists are not kept.
    static constexpr std::size_t kExplanationsKept = 4096;
    static constexpr std::size_t kCachedVerbMax = 16;
    absl::flat_hash_map<std::pair<int, std::string>, Annotation, CodeVerbHash, CodeVerbEq> explanations_;
};

}  // namespace ftpsniff
