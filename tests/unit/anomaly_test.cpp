#include "ftpsniff/ftp_anomaly.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ftpsniff {
namespace {

// The stages number their anomalies one after another: every number up to
// the count names one anomaly, once.
TEST(Anomaly, EveryNumberNamesOneAnomalyOfOneStage) {
    std::set<std::string> names;
    for (std::size_t id = 0; id < kAnomalyCount; ++id) {
        Anomaly a = Anomaly::from_id(id);
        EXPECT_NE(anomaly_name(a), "unknown") << id;
        EXPECT_TRUE(names.emplace(anomaly_name(a)).second) << anomaly_name(a);
    }
    EXPECT_EQ(anomaly_name(Anomaly::from_id(kAnomalyCount)), "unknown");
}

TEST(Anomaly, StageEnumsConvertToTheirOwnNames) {
    EXPECT_EQ(anomaly_name(Anomaly(BudgetAnomaly::memory_cap_hit)), "memory_cap_hit");
    EXPECT_EQ(anomaly_name(Anomaly(DecodeAnomaly::truncated_link_header)), "truncated_link_header");
    EXPECT_EQ(anomaly_name(Anomaly(DecodeAnomaly::ip_fragment_cap_hit)), "ip_fragment_cap_hit");
    EXPECT_EQ(anomaly_name(Anomaly(StreamAnomaly::tcp_overlap_conflict)), "tcp_overlap_conflict");
    EXPECT_EQ(anomaly_name(Anomaly(StreamAnomaly::duplicate_connection)), "duplicate_connection");
    EXPECT_EQ(anomaly_name(Anomaly(FtpAnomaly::line_too_long)), "line_too_long");
    EXPECT_EQ(anomaly_name(Anomaly(FtpAnomaly::telnet_subnegotiation_unterminated)),
              "telnet_subnegotiation_unterminated");
}

}  // namespace
}  // namespace ftpsniff
