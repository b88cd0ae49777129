// Annotates the events of every session and hands them on: explains each
// reply (knowledge base, cached per code and command), adds diagnoses, and
// counts what the run's summary reports. Runs off the packet loop's thread
// when the pipeline can give it one.
#pragma once

#include "ftpsniff/annotate.hpp"
#include "ftpsniff/capture.hpp"
#include "ftpsniff/events.hpp"

#include <absl/container/flat_hash_map.h>
#include <absl/hash/hash.h>

#include <array>
#include <map>
#include <optional>
#include <string>

namespace ftpsniff {

// Failed logins from one client address, over the whole capture.
struct LoginFailures {
    std::uint64_t failures = 0;
    std::uint64_t sessions = 0;
};

// Failed logins from one address at which they count as possible guessing.
inline constexpr std::uint64_t kGuessingThreshold = 5;

// One finding over the whole run: how often, where first and last, and
// what the first one said. Ids come from a fixed table, so the groups are few.
struct FindingGroup {
    Severity severity = Severity::warning;
    std::uint64_t count = 0;
    std::uint64_t sessions = 0;  // sessions it appeared in
    std::uint64_t first_frame = 0;
    std::uint64_t last_frame = 0;
    std::uint64_t explains = 0;  // later replies it is the cause of
    std::string message;         // the first one's
    std::string remedy;
};

struct RunSummary {
    std::string source;  // file name, "-" for stdin
    std::string linktype;
    std::uint64_t packets = 0;
    std::uint64_t tcp_packets = 0;
    std::uint64_t ftp_packets = 0;
    std::uint64_t data_packets = 0;  // of the data connections followed
    std::uint64_t sessions = 0;
    std::uint64_t commands = 0;
    std::array<std::uint64_t, 7> replies_by_class{};  // index = first digit; 0 for other
    std::uint64_t gaps = 0;
    AnomalyCounts anomalies;
    std::map<IpAddress, LoginFailures> login_failures;
    std::uint64_t logins_ok = 0;       // sessions that ended logged in
    std::uint64_t logins_failed = 0;   // sessions whose last login attempt failed: credentials refused
    std::uint64_t logins_refused = 0;  // sessions whose last login attempt the server's policy refused
    std::map<std::pair<int, std::string>, std::uint64_t> errors;  // 4xx/5xx replies by (code, command)
    std::map<std::string, FindingGroup, std::less<>> diagnoses;   // by id
    std::optional<std::string> cut;                               // where a damaged capture stopped
    std::string filter;                                           // the BPF filter on the files read, if any
    std::uint64_t filtered_out = 0;                               // frames it left out
    std::optional<CaptureStats> kernel;                           // a live capture's packet and drop counts
};

// Where annotated events go: the output stage.
class AnnotatedSink {
public:
    virtual ~AnnotatedSink() = default;
    // `note` explains a reply; for other events it is empty.
    virtual void on(const Event& ev, const Annotation& note) = 0;
    virtual void summary(const RunSummary& run) = 0;
};

class Annotator : public EventSink {
public:
    Annotator(const KnowledgeBase& kb, const DiagnosisTexts& texts, const ServerMessages& messages,
              std::unique_ptr<AnnotatedSink> next);

    void on(const Event& ev) override;
    // After the last event: puts what was counted (sessions, replies,
    // logins, ...) into `run` and hands the summary on.
    void summary(RunSummary& run);

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

    void reply(const Event& ev, const ReplyEvent& r);
    void data_channel(const Event& ev, const DataChannelEvent& d);
    void note_non_reply(SessionContext& s, const Event& ev, const UnparsedEvent& u);
    void count_findings(const Event& ev, SessionContext& s, const Annotation& note);
    void link_cause(SessionContext& s, Annotation& note, std::optional<std::string_view> command);
    Annotation explanation(int code, std::optional<std::string_view> command);
    void count_error(int code, std::string_view command);
    void note_login_failure(const FlowInfo& flow, SessionContext& session, Annotation& note);

    const KnowledgeBase& kb_;
    const DiagnosisTexts& texts_;
    const ServerMessages& messages_;
    std::unique_ptr<AnnotatedSink> next_;
    const Annotation none_;  // for events other than replies
    DiagnoseOptions diagnose_options_;
    // A transfer's announced data connection that never appeared: the
    // tracker reports it just before the transfer's final reply.
    std::optional<Diagnosis> missing_;
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
    // Per open session, what it has shown so far (the server software, the
    // data connection set up, the login); forgotten at the session's end.
    void learn(SessionContext& s, const ReplyEvent& r, Annotation& note);
    void identify(SessionContext& s, const ReplyEvent& r, Annotation& note);
    static void remember_files(SessionContext& s, const ReplyEvent& r, std::uint64_t frame);
    static void learn_features(SessionContext& s, const Reply& reply);
    absl::flat_hash_map<std::uint64_t, SessionContext> sessions_;
    Annotation end_note_;  // a session end's: the software found, the verdict
    SessionVerdict verdict_;
    Annotation data_note_;  // a data connection's: its diagnoses
};

}  // namespace ftpsniff
