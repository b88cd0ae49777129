// Named problems met in the capture. Each stage names its own in an enum
// beside its code (BudgetAnomaly here; DecodeAnomaly, StreamAnomaly and
// FtpAnomaly in their stages), numbered on from the stage before it, so one
// Anomaly id and one table of counts serve them all. The names are an API:
// the output counts them and tests match on them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ftpsniff {

// True for each stage's enum of anomalies (specialised beside it).
template <class E>
inline constexpr bool is_stage_anomaly = false;

// Any stage's anomaly, by its number.
class Anomaly {
public:
    constexpr Anomaly() = default;
    template <class E>
    requires is_stage_anomaly<E>
    // NOLINTNEXTLINE(google-explicit-constructor): every stage's anomaly is an Anomaly
    constexpr Anomaly(E stage_anomaly) : id_(static_cast<std::uint8_t>(stage_anomaly)) {}

    static constexpr Anomaly from_id(std::size_t id) { return Anomaly(static_cast<std::uint8_t>(id)); }
    [[nodiscard]] constexpr std::size_t id() const { return id_; }
    friend constexpr bool operator==(Anomaly, Anomaly) = default;

private:
    constexpr explicit Anomaly(std::uint8_t id) : id_(id) {}
    std::uint8_t id_ = 0;
};

// Room for every stage's anomalies; ftp_anomaly.hpp checks they fit.
inline constexpr std::size_t kMaxAnomalies = 64;

// The budget's own (memory_budget.hpp): a holder refused bytes.
enum class BudgetAnomaly : std::uint8_t { memory_cap_hit, count_ };
template <>
inline constexpr bool is_stage_anomaly<BudgetAnomaly> = true;

inline std::string_view anomaly_name(BudgetAnomaly) { return "memory_cap_hit"; }

// The first number after a stage's last anomaly, where the next stage starts.
template <class E>
requires is_stage_anomaly<E>
inline constexpr std::uint8_t kAnomaliesAfter = static_cast<std::uint8_t>(E::count_);

// Counts per anomaly, summed over a run.
class AnomalyCounts {
public:
    void add(Anomaly a, std::uint64_t n = 1) { counts_[a.id()] += n; }
    [[nodiscard]] std::uint64_t get(Anomaly a) const { return counts_[a.id()]; }

private:
    std::array<std::uint64_t, kMaxAnomalies> counts_{};
};

}  // namespace ftpsniff
