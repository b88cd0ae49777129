#include "annotator.hpp"

#include "ftpsniff/annotate.hpp"
#include "ftpsniff/command_replies.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace ftpsniff {

Annotator::Annotator(const KnowledgeBase& kb, std::unique_ptr<Renderer> renderer)
    : kb_(kb), renderer_(std::move(renderer)) {}

void Annotator::session_start(const FlowInfo& flow, Timestamp ts) {
    ++counted_.sessions;
    renderer_->session_start(flow, ts);
}

void Annotator::command(const FlowInfo& flow, const CommandEvent& ev) {
    ++counted_.commands;
    renderer_->command(flow, ev);
}

void Annotator::reply(const FlowInfo& flow, const ReplyEvent& ev, const DataChannelEvent* missing) {
    int digit = ev.reply.code / 100;
    ++counted_.replies_by_class[digit >= 1 && digit <= 6 ? digit : 0];
    // The greeting answers the opening of the connection: CONNECT in the knowledge base.
    Annotation note = explanation(ev.reply.code, ev.greeting ? std::optional<std::string_view>("CONNECT") : ev.command);
    note.diagnoses = diagnose(
        ReplyFacts{ev.reply.code, ev.command, ev.latency_ms, &flow, ev.data_address, ev.abort_pending, ev.uncertain},
        CommandReplies::builtin(), diagnose_options_);
    for (const Diagnosis& d : note.diagnoses) {
        if (d.id == "login_failed") note_login_failure(flow, note);
    }
    if (missing != nullptr) {
        renderer_->data_channel(flow, *missing);
        note.diagnoses.push_back(
            {"data_connection_missing",
             fmt::format("the server reports the {} done, but no data connection to {} appears in the capture",
                         missing->command, to_string(missing->listener)),
             "If the capture was filtered to the control port, capture the data ports too; otherwise the transfer "
             "went another way than announced (a NAT rewriting addresses, or a client using a different "
             "connection)."});
    }
    if (digit == 4 || digit == 5) count_error(ev.reply.code, ev.command.value_or(""));
    for (const Diagnosis& d : note.diagnoses) ++counted_.diagnoses[std::string(d.id)];
    renderer_->reply(flow, ev, note);
}

void Annotator::count_error(int code, std::string_view command) {
    std::pair<int, std::string> key{code, command};
    if (auto it = counted_.errors.find(key); it != counted_.errors.end()) {
        ++it->second;
        return;
    }
    auto& errors = counted_.errors;
    if (errors.size() >= kErrorPairsKept || error_verb_bytes_ + command.size() > kErrorVerbBytesKept) {
        // Forget every pair counted no more than the median: at least half
        // go, so this runs once per many new pairs.
        std::vector<std::uint64_t> counts;
        counts.reserve(errors.size());
        for (const auto& [k, n] : errors) counts.push_back(n);
        auto mid = counts.begin() + static_cast<std::ptrdiff_t>(counts.size() / 2);
        std::nth_element(counts.begin(), mid, counts.end());
        std::uint64_t median = counts.empty() ? 0 : *mid;
        for (auto it = errors.begin(); it != errors.end();) {
            if (it->second > median) {
                ++it;
                continue;
            }
            error_verb_bytes_ -= it->first.second.size();
            ++error_pairs_forgotten_;
            it = errors.erase(it);
        }
    }
    if (command.size() > kErrorVerbBytesKept) {
        ++error_pairs_forgotten_;
        return;
    }
    error_verb_bytes_ += command.size();
    errors.emplace(std::move(key), 1);
}

Annotation Annotator::explanation(int code, std::optional<std::string_view> command) {
    std::pair<int, std::string_view> key{code, command.value_or(std::string_view{})};
    if (key.second.size() > kCachedVerbMax) return annotate(kb_, code, command);
    if (auto it = explanations_.find(key); it != explanations_.end()) return it->second;
    if (explanations_.size() >= kExplanationsKept) explanations_.clear();
    return explanations_.try_emplace(std::pair{code, std::string(key.second)}, annotate(kb_, code, command)).first->second;
}

void Annotator::gap(const FlowInfo& flow, Timestamp ts, Direction dir, std::uint64_t length) {
    ++counted_.gaps;
    renderer_->gap(flow, ts, dir, length);
}

void Annotator::session_end(const FlowInfo& flow, Timestamp ts, CloseReason why, const SessionState& state) {
    if (state.login == LoginState::logged_in) ++counted_.logins_ok;
    if (state.login == LoginState::failed) ++counted_.logins_failed;
    renderer_->session_end(flow, ts, why, state);
}

// Failed logins from one client address across sessions: at the threshold
// the failure that reaches it says so, and the summary lists it.
void Annotator::note_login_failure(const FlowInfo& flow, Annotation& note) {
    LoginFailures& f = counted_.login_failures[flow.client.ip];
    ++f.failures;
    if (f.last_session != flow.id) ++f.sessions;
    f.last_session = flow.id;
    if (f.failures == kGuessingThreshold) {
        note.diagnoses.push_back({"login_guessing",
                                  fmt::format("{} failed logins from {} in {} sessions: possibly password guessing",
                                              f.failures, to_string(flow.client.ip), f.sessions),
                                  "If these are not a user's own retries, block the address (fail2ban) and make sure "
                                  "the server delays or limits failed logins."});
    }
}

void Annotator::summary(RunSummary& run) {
    run.sessions = counted_.sessions;
    run.commands = counted_.commands;
    run.replies_by_class = counted_.replies_by_class;
    run.gaps = counted_.gaps;
    run.login_failures = std::move(counted_.login_failures);
    run.logins_ok = counted_.logins_ok;
    run.logins_failed = counted_.logins_failed;
    run.errors = std::move(counted_.errors);
    run.anomalies.add(Anomaly::memory_cap_hit, error_pairs_forgotten_);
    run.diagnoses = std::move(counted_.diagnoses);
    renderer_->summary(run);
}

}  // namespace ftpsniff
