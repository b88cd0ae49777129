// Annotates the events of every session and hands them to the renderer:
// explains each reply (knowledge base, cached per code and command), adds
// diagnoses, hides passwords, and counts what the summary reports. Runs on
// the rendering side of make_async, off the packet loop's thread.
#pragma once

#include "ftpsniff/diagnose.hpp"
#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/session_events.hpp"

#include <absl/container/flat_hash_map.h>
#include <absl/hash/hash.h>

namespace ftpsniff {

class Annotator : public SessionEvents {
public:
    Annotator(const KnowledgeBase& kb, std::unique_ptr<Renderer> renderer);

    void session_start(const FlowInfo& flow, Timestamp ts) override;
    void command(const FlowInfo& flow, const CommandEvent& ev) override;
    void reply(const FlowInfo& flow, const ReplyEvent& ev, const DataChannelEvent* missing) override;
    void unparsed(const FlowInfo& flow, const UnparsedEvent& ev) override { renderer_->unparsed(flow, ev); }
    void gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) override;
    void anomaly(const FlowInfo& flow, Timestamp ts, Direction dir, Anomaly what) override {
        renderer_->anomaly(flow, ts, dir, what);
    }
    void tls(const FlowInfo& flow, Timestamp ts, TlsMode mode) override { renderer_->tls(flow, ts, mode); }
    void data_channel(const FlowInfo& flow, const DataChannelEvent& ev) override { renderer_->data_channel(flow, ev); }
    void session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) override;
    void summary(RunSummary& run) override;

private:
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
    void count_error(int code, std::string_view command);
    void note_login_failure(const FlowInfo& flow, Annotation& note);

    const KnowledgeBase& kb_;
    std::unique_ptr<Renderer> renderer_;
    DiagnoseOptions diagnose_options_;
    // The summary's counts of sessions, commands, replies, gaps, logins,
    // errors and diagnoses; summary() puts them into the run's.
    RunSummary counted_;
    // annotate() per (code, command): the knowledge base's tree is walked once
    // per pair. Commands come from the network, so the cache is emptied when
    // full, and verbs longer than any the base lists are not kept.
    static constexpr std::size_t kExplanationsKept = 4096;
    static constexpr std::size_t kCachedVerbMax = 16;
    absl::flat_hash_map<std::pair<int, std::string>, Annotation, CodeVerbHash, CodeVerbEq> explanations_;
    // The summary's 4xx/5xx counts per (code, command): commands come from
    // the network, so at most this many pairs and verb bytes are kept. When
    // either is reached the rarer half is forgotten (memory_cap_hit counts
    // the pairs forgotten): the frequent ones, which the summary shows, stay.
    static constexpr std::size_t kErrorPairsKept = 1024;
    static constexpr std::size_t kErrorVerbBytesKept = 64 * 1024;
    std::size_t error_verb_bytes_ = 0;
    std::uint64_t error_pairs_forgotten_ = 0;
};

}  // namespace ftpsniff
