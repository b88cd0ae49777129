#include "ftpsniff/annotator.hpp"

#include "ftpsniff/command_replies.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace ftpsniff {

Annotator::Annotator(const KnowledgeBase& kb, const DiagnosisTexts& texts, const ServerMessages& messages,
                     std::unique_ptr<AnnotatedSink> next)
    : kb_(kb), texts_(texts), messages_(messages), next_(std::move(next)) {}

namespace {

// The finding's id a cause (DiagnosisTexts::cause_finding) starts with.
std::string_view id_of(std::string_view cause) {
    return cause.substr(0, cause.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"));
}

}  // namespace

void Annotator::on(const Event& ev) {
    visit_event(ev, [&](const Event& e, const auto& kind) {
        using Kind = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<Kind, ReplyEvent>) {
            reply(e, kind);
            return;
        } else if constexpr (std::is_same_v<Kind, SessionStartEvent>) {
            ++counted_.sessions;
            sessions_[e.flow.id].whole = e.flow.handshake_seen;
        } else if constexpr (std::is_same_v<Kind, CommandEvent>) {
            ++counted_.commands;
        } else if constexpr (std::is_same_v<Kind, TlsEvent>) {
            sessions_[e.flow.id].tls_began = e.ts;
        } else if constexpr (std::is_same_v<Kind, UnparsedEvent>) {
            if (kind.reason == UnparsedReason::not_a_reply) note_non_reply(sessions_[e.flow.id], e, kind);
        } else if constexpr (std::is_same_v<Kind, GapEvent>) {
            ++counted_.gaps;
            sessions_[e.flow.id].whole = false;
        } else if constexpr (std::is_same_v<Kind, DataChannelEvent>) {
            data_channel(e, kind);
            return;
        } else if constexpr (std::is_same_v<Kind, SessionEndEvent>) {
            auto found = sessions_.find(e.flow.id);
            const bool policy = found != sessions_.end() && found->second.refused_by_policy;
            if (kind.state.login == LoginState::logged_in) {
                ++counted_.logins_ok;
            } else if (policy) {
                ++counted_.logins_refused;
            } else if (kind.state.login == LoginState::failed) {
                ++counted_.logins_failed;
            }
            const bool known = found != sessions_.end() && found->second.software;
            end_note_.software = known ? &*found->second.software : nullptr;
            end_note_.diagnoses.clear();
            if (found != sessions_.end()) {
                end_note_.diagnoses = diagnose_end(kind, e.ts, found->second, texts_);
                count_findings(e, found->second, end_note_);
            }
            verdict_ = found != sessions_.end() ? found->second.verdict : SessionVerdict{};
            end_note_.verdict = &verdict_;
            next_->on(e, end_note_);
            if (found != sessions_.end()) sessions_.erase(found);
            return;
        }
        next_->on(e, none_);
    });
}

void Annotator::note_non_reply(SessionContext& s, const Event& ev, const UnparsedEvent& u) {
    if (s.non_replies++ > 0) return;
    s.non_reply_frame = ev.frame;
    s.non_reply = u.line.substr(0, SessionContext::kNonReplyKept);
    s.non_reply_after = u.command.value_or("");
}

void Annotator::data_channel(const Event& ev, const DataChannelEvent& d) {
    // Its session has normally not ended yet; if it has, it is not made again.
    auto known = sessions_.find(ev.flow.id);
    SessionContext ended;
    SessionContext& session = known != sessions_.end() ? known->second : ended;
    if (d.end == DataEnd::never_opened) {
        const std::string listener = to_string(d.listener);
        DiagnosisFields v;
        v.command = d.command;
        v.listener = listener;
        missing_ = texts_.make("data_not_captured", "", v);
        next_->on(ev, none_);
        return;
    }
    data_note_.diagnoses = diagnose_data(d, ev.flow, session, texts_);
    count_findings(ev, session, data_note_);
    for (const Diagnosis& found : data_note_.diagnoses) {
        // An effect of the transfer's reply counts for that reply's finding,
        // now if it came, else when it comes (a held connection precedes it).
        const bool effect =
            found.severity == Severity::info && (found.id == "transfer_reset" || found.id == "transfer_truncated");
        if (!effect) continue;
        if (session.transfer_cause.empty() || session.transfer_cause_frame != d.final_frame) {
            session.effect_of_frame = d.final_frame;
            continue;
        }
        if (auto g = counted_.diagnoses.find(id_of(session.transfer_cause)); g != counted_.diagnoses.end()) {
            ++g->second.explains;
        }
    }
    for (const Diagnosis& found : data_note_.diagnoses) {
        // What a later 425 or 426 about this connection follows from.
        if (found.severity == Severity::error) session.data_cause = texts_.cause_finding(found.id, ev.frame);
    }
    next_->on(ev, data_note_);
}

// A reply's data_connection_missing that a data connection's failure
// explains names it instead of guessing at a cause.
void Annotator::link_cause(SessionContext& s, Annotation& note, std::optional<std::string_view> command) {
    if (s.data_cause.empty()) return;
    for (Diagnosis& d : note.diagnoses) {
        if (d.id != "data_connection_missing") continue;
        if (auto found = counted_.diagnoses.find(id_of(s.data_cause)); found != counted_.diagnoses.end())
            ++found->second.explains;
        DiagnosisFields v;
        v.code = note.code;
        v.command = command.value_or("");
        v.cause = s.data_cause;
        d = texts_.make("data_connection_missing", "explained", v);
    }
}

// The run's groups of findings and the session's verdict.
void Annotator::count_findings(const Event& ev, SessionContext& s, const Annotation& note) {
    if (note.diagnoses.empty()) return;
    for (const Diagnosis& d : note.diagnoses) {
        const std::uint64_t frame = d.frame != 0 ? d.frame : ev.frame;
        s.verdict.add(d, frame);
        auto it = counted_.diagnoses.find(d.id);
        const bool fresh = it == counted_.diagnoses.end();
        if (fresh) it = counted_.diagnoses.try_emplace(std::string(d.id)).first;
        FindingGroup& g = it->second;
        if (fresh) {
            g.severity = d.severity;
            g.first_frame = frame;
            g.message = d.message;
            g.remedy = d.remedy;
        }
        ++g.count;
        g.last_frame = frame;
        if (std::find(s.ids_found.begin(), s.ids_found.end(), d.id) == s.ids_found.end()) {
            s.ids_found.push_back(d.id);
            ++g.sessions;
        }
    }
}

void Annotator::reply(const Event& ev, const ReplyEvent& r) {
    int digit = r.reply.code / 100;
    ++counted_.replies_by_class[digit >= 1 && digit <= 6 ? digit : 0];
    std::optional<std::string_view> command;
    if (r.command) command = *r.command;
    // The greeting answers the opening of the connection: CONNECT in the
    // knowledge base; a 426 while an ABOR waits is the abort's doing.
    std::optional<std::string_view> context = command;
    if (r.greeting) context = "CONNECT";
    if (r.reply.code == 426 && r.abort_pending && command) context = "ABOR";
    Annotation note = explanation(r.reply.code, context);
    SessionContext& session = sessions_[ev.flow.id];
    ReplyFacts facts{r.reply.code, command,        r.latency_ms,
                     &ev.flow,     r.data_address, r.abort_pending,
                     r.uncertain,  &session,       r.reply.lines.empty() ? std::string_view() : r.reply.lines[0]};
    facts.argument = r.argument;
    facts.message = find_message(messages_, facts);
    if (facts.message) use_message(note, *facts.message->message);
    note.diagnoses = diagnose(facts, CommandReplies::builtin(), texts_, diagnose_options_);
    // Not from inside a loop over the diagnoses: at the threshold it adds one.
    if (std::any_of(note.diagnoses.begin(), note.diagnoses.end(),
                    [](const Diagnosis& d) { return d.id == "login_failed"; })) {
        note_login_failure(ev.flow, session, note);
    }
    if (missing_) {
        note.diagnoses.push_back(std::move(*missing_));
        missing_.reset();
    }
    link_cause(session, note, command);
    // A line whose code only repeats the previous reply's (Pure-FTPd's
    // "Logout.") is no error of its own.
    const bool echoed = facts.message && facts.message->message->code == ServerMessage::kAnyCode;
    if (is_negative(r.reply.code) && !echoed) count_error(r.reply.code, command.value_or(""));
    count_findings(ev, session, note);
    if (!note.diagnoses.empty() && command && is_transfer_verb(*command) && !r.uncertain) {
        for (const Diagnosis& d : note.diagnoses) {
            if (d.severity != Severity::error) continue;
            session.transfer_cause = texts_.cause_finding(d.id, ev.frame);
            session.transfer_cause_frame = ev.frame;
            if (std::exchange(session.effect_of_frame, 0) == ev.frame) {
                if (auto g = counted_.diagnoses.find(d.id); g != counted_.diagnoses.end()) ++g->second.explains;
            }
        }
    }
    learn(session, r, note);
    remember_files(session, r, ev.frame);
    next_->on(ev, note);
}

// After the reply is diagnosed: what it tells of the session from here on.
void Annotator::learn(SessionContext& s, const ReplyEvent& r, Annotation& note) {
    identify(s, r, note);
    const int code = r.reply.code;
    if (code == 230 || code == 232) s.logged_in = true;
    if (code == 221 || code == 421) s.closing = true;
    for (const Diagnosis& d : note.diagnoses) {
        if (d.id == "login_failed") s.refused_by_policy = false;
        if (d.id == "login_refused_policy" || d.id == "tls_required" || d.id == "too_many_connections") {
            s.refused_by_policy = true;
        }
    }
    if (!r.command || r.uncertain) return;
    if ((is_passive_verb(*r.command) && code / 100 == 2) || (is_active_verb(*r.command) && code == 200)) {
        s.mode = is_passive_verb(*r.command) ? DataMode::passive : DataMode::active;
        s.mode_used = false;
        s.data_cause.clear();
    } else if (is_transfer_verb(*r.command) && code / 100 == 2) {
        s.mode_used = true;  // a transfer done took the data connection (a refusal leaves it)
    } else if (*r.command == "FEAT" && code == 211) {
        learn_features(s, r.reply);
    } else if (*r.command == "REIN" && code / 100 == 2) {
        s.logged_in = false;  // RFC 959 §4.1.1: as if just connected
    }
}

// What later replies to the same file or type depend on: the TYPE in
// effect, the files deleted in the current directory.
void Annotator::remember_files(SessionContext& s, const ReplyEvent& r, std::uint64_t frame) {
    if (!r.command || r.uncertain || r.reply.code / 100 != 2) return;
    const std::string_view verb = *r.command;
    if (verb == "TYPE" && !r.argument.empty()) {
        s.type = static_cast<char>(std::toupper(static_cast<unsigned char>(r.argument.front())));
        s.type_frame = frame;
    } else if (verb == "CWD" || verb == "CDUP" || verb == "XCWD" || verb == "XCUP" || verb == "REIN") {
        s.deleted.clear();
    } else if (verb == "DELE" && r.argument.size() <= SessionContext::kDeletedPathMax) {
        if (s.deleted.size() == SessionContext::kDeletedKept) s.deleted.erase(s.deleted.begin());
        s.deleted.emplace_back(r.argument, frame);
    } else if ((verb == "STOR" || verb == "APPE" || verb == "RNTO") && !s.deleted.empty()) {
        // The name exists again.
        std::erase_if(s.deleted, [&](const auto& d) { return d.first == r.argument; });
    }
}

// RFC 2389 §3.2: between the first and last line, one feature per line, each
// starting with a space and its name.
void Annotator::learn_features(SessionContext& s, const Reply& reply) {
    s.features_seen = true;
    s.features = " ";
    for (std::size_t i = 1; i + 1 < reply.lines.size(); ++i) {
        std::string_view line = reply.lines[i];
        if (line.empty() || line.front() != ' ') continue;
        line.remove_prefix(1);
        std::string_view name = line.substr(0, line.find(' '));
        if (s.features.size() + name.size() + 1 > SessionContext::kFeatureBytes) break;
        for (char c : name) s.features += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        s.features += ' ';
    }
}

// The greeting is the strongest clue, then the reply to SYST, then a phrase
// of any reply; a weaker clue never replaces a stronger one.
void Annotator::identify(SessionContext& s, const ReplyEvent& r, Annotation& note) {
    SoftwareClue clue = SoftwareClue::reply;
    if (r.greeting) {
        clue = SoftwareClue::greeting;
    } else if (r.command == "SYST" && r.reply.code == 215) {
        clue = SoftwareClue::syst;
    }
    if (s.software && s.software->clue <= clue) return;
    for (std::string_view line : r.reply.lines) {
        if (auto found = ServerSignatures::builtin().match(line, clue)) {
            s.software = std::move(*found);
            if (r.greeting) note.software = &*s.software;
            return;
        }
    }
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
    return explanations_.try_emplace(std::pair{code, std::string(key.second)}, annotate(kb_, code, command))
        .first->second;
}

// Failed logins from one client address across sessions: at the threshold
// the failure that reaches it says so, and the summary lists it.
void Annotator::note_login_failure(const FlowInfo& flow, SessionContext& session, Annotation& note) {
    LoginFailures& f = counted_.login_failures[flow.client.ip];
    ++f.failures;
    if (!std::exchange(session.login_failure_counted, true)) ++f.sessions;
    if (f.failures == kGuessingThreshold) {
        const std::string client = to_string(flow.client.ip);
        DiagnosisFields v;
        v.client = client;
        v.failures = f.failures;
        v.sessions = f.sessions;
        note.diagnoses.push_back(texts_.make("login_guessing", "", v));
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
    run.logins_refused = counted_.logins_refused;
    run.errors = std::move(counted_.errors);
    run.anomalies.add(BudgetAnomaly::memory_cap_hit, error_pairs_forgotten_);
    run.diagnoses = std::move(counted_.diagnoses);
    next_->summary(run);
}

}  // namespace ftpsniff
