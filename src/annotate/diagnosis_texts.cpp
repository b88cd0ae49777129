#include "ftpsniff/diagnosis_texts.hpp"

#include "ftpsniff/phrases.hpp"

#include "per_language.hpp"
#include "tsv_reader.hpp"

#include <fmt/format.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace ftpsniff {

namespace {

constexpr std::array<std::string_view, 5> kColumns = {"id", "variant", "severity", "message", "remedy"};
constexpr std::array<std::string_view, 4> kTranslationColumns = {"id", "variant", "message", "remedy"};

std::string fill(std::string_view text, const DiagnosisFields& f) {
    return fmt::format(fmt::runtime(text), fmt::arg("code", f.code), fmt::arg("command", f.command),
                       fmt::arg("expected", f.expected), fmt::arg("error", f.error), fmt::arg("told", f.told),
                       fmt::arg("server", f.server), fmt::arg("client", f.client), fmt::arg("listener", f.listener),
                       fmt::arg("settings", f.settings), fmt::arg("seconds", f.seconds),
                       fmt::arg("failures", f.failures), fmt::arg("sessions", f.sessions), fmt::arg("count", f.count),
                       fmt::arg("bytes", f.bytes), fmt::arg("expected_bytes", f.expected_bytes),
                       fmt::arg("cause", f.cause), fmt::arg("frame", f.frame));
}

std::optional<Severity> parse_severity(std::string_view s) {
    for (Severity v : {Severity::error, Severity::warning, Severity::info}) {
        if (severity_name(v) == s) return v;
    }
    return std::nullopt;
}

}  // namespace

std::string_view severity_name(Severity s) {
    switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "info";
    }
    return "warning";
}

DiagnosisTexts DiagnosisTexts::parse(std::string_view tsv, std::string_view origin, bool translation) {
    DiagnosisTexts out;
    std::span<const std::string_view> columns = translation ? std::span<const std::string_view>(kTranslationColumns)
                                                            : std::span<const std::string_view>(kColumns);
    TsvReader reader(tsv, origin, columns);
    std::vector<std::string_view> f;
    while (reader.next(f)) {
        Entry e;
        e.id = f[0];
        if (e.id.empty() || e.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
            reader.fail(fmt::format("id '{}' is not snake_case", e.id));
        }
        std::size_t at = 2;
        if (!translation) {
            auto severity = parse_severity(f[at]);
            if (!severity) reader.fail(fmt::format("severity '{}' is not error, warning or info", f[at]));
            e.severity = *severity;
            ++at;
        }
        e.message = f[at];
        e.remedy = f[at + 1];
        // Outputs escape a message, which may quote the network; a remedy is
        // ours and printed as it is.
        if (e.remedy.find("{error") != std::string::npos) reader.fail("a remedy may not name {error}");
        for (std::string_view text : {f[at], f[at + 1]}) {
            if (text.empty()) reader.fail("a message or remedy is empty");
            try {
                (void)fill(text, DiagnosisFields{});
            } catch (const fmt::format_error& err) {
                reader.fail(fmt::format("'{}': {}", text, err.what()));
            }
        }
        if (!out.entries_.try_emplace({e.id, std::string(f[1])}, e).second) {
            reader.fail(fmt::format("{} {} is listed twice", f[0], f[1]));
        }
    }
    return out;
}

void DiagnosisTexts::translate(const DiagnosisTexts& translation, std::string_view origin) {
    for (const auto& [key, row] : translation.entries_) {
        auto it = entries_.find(key);
        if (it == entries_.end()) {
            throw KnowledgeError(
                fmt::format("{}: there is no diagnosis '{}' with the variant '{}' (data/diagnoses.tsv lists them)",
                            origin, key.first, key.second));
        }
        it->second.message = row.message;
        it->second.remedy = row.remedy;
    }
}

const DiagnosisTexts& DiagnosisTexts::builtin(Lang lang) {
    static const std::vector<DiagnosisTexts> all = per_language<DiagnosisTexts>(
        "diagnoses", [](std::string_view tsv, std::string_view origin) { return parse(tsv, origin); },
        [](DiagnosisTexts& base, std::string_view tsv, std::string_view origin, Lang translated) {
            base.translate(parse(tsv, origin, true), origin);
            base.lang_ = translated;
        });
    return all[static_cast<std::size_t>(lang)];
}

std::string DiagnosisTexts::cause_finding(std::string_view id, std::uint64_t frame) const {
    return fmt::format(fmt::runtime(Phrases::builtin(lang_).get("cause_finding")), fmt::arg("id", id),
                       fmt::arg("frame", frame));
}

std::string DiagnosisTexts::cause_reply(int code, std::uint64_t frame) const {
    return fmt::format(fmt::runtime(Phrases::builtin(lang_).get("cause_reply")), fmt::arg("code", code),
                       fmt::arg("frame", frame));
}

Diagnosis DiagnosisTexts::make(std::string_view id, std::string_view variant, const DiagnosisFields& fields) const {
    auto it = entries_.find({std::string(id), std::string(variant)});
    if (it == entries_.end()) throw std::out_of_range(fmt::format("no diagnosis {} {}", id, variant));
    const Entry& e = it->second;
    return Diagnosis{e.id, e.severity, fill(e.message, fields), fill(e.remedy, fields), fields.frame};
}

}  // namespace ftpsniff
