// Per-run figures the GUI shows, computed in the core (report/run_stats.h, report/rule_counts.h).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "report/rule_counts.h"
#include "report/run_stats.h"

namespace {

aq::TensorResult tensor(const std::string& name, double sqnr, double cosine, double rel, bool quantized = true) {
  aq::TensorResult t;
  t.name = name;
  t.decision = quantized ? aq::Decision::Quantize : aq::Decision::KeepOneDim;
  t.metrics.sqnr_db = sqnr;
  t.metrics.cosine = cosine;
  t.metrics.rel_fro_error = rel;
  return t;
}

TEST(RunStats, MeanAndWorstOverQuantizedLayersOnly) {
  aq::JobResult r;
  r.tensors = {tensor("a", 20, 0.99, 0.1), tensor("b", 10, 0.95, 0.3), tensor("bias", 0, 0, 9, false)};
  const aq::RunStats s = aq::run_stats(r);
  EXPECT_EQ(s.quantized_layers, 2u);
  EXPECT_DOUBLE_EQ(s.mean_sqnr_db, 15);
  EXPECT_DOUBLE_EQ(s.worst_sqnr_db, 10);
  EXPECT_EQ(s.worst_sqnr_layer, "b");
  EXPECT_DOUBLE_EQ(s.mean_cosine, 0.97);
  EXPECT_DOUBLE_EQ(s.worst_cosine, 0.95);
  EXPECT_EQ(s.worst_cosine_layer, "b");
  EXPECT_DOUBLE_EQ(s.mean_rel_error, 0.2);
  EXPECT_DOUBLE_EQ(s.worst_rel_error, 0.3);
}

TEST(RunStats, ExactLayersDoNotTurnTheMeanInfinite) {
  aq::JobResult r;
  const double inf = std::numeric_limits<double>::infinity();
  r.tensors = {tensor("exact", inf, 1, 0), tensor("b", 12, 0.9, 0.2)};
  const aq::RunStats s = aq::run_stats(r);
  EXPECT_DOUBLE_EQ(s.mean_sqnr_db, 12);
  EXPECT_EQ(s.worst_sqnr_layer, "b");
}

TEST(RunStats, NoQuantizedLayerIsPerfect) {
  aq::JobResult r;
  r.tensors = {tensor("bias", 0, 0, 9, false)};
  const aq::RunStats s = aq::run_stats(r);
  EXPECT_EQ(s.quantized_layers, 0u);
  EXPECT_TRUE(std::isinf(s.mean_sqnr_db));
  EXPECT_TRUE(std::isinf(s.worst_sqnr_db));
  EXPECT_DOUBLE_EQ(s.mean_cosine, 1);
  EXPECT_TRUE(s.worst_sqnr_layer.empty());
}

TEST(RuleCounts, OneLinePerKeepRuleSortedAndQuantizedOnesLeftOut) {
  aq::Plan plan;
  auto add = [&](aq::Decision d, const std::string& reason) {
    aq::TensorPlan t;
    t.decision = d;
    t.reason = reason;
    plan.tensors.push_back(t);
  };
  add(aq::Decision::Quantize, "default");
  add(aq::Decision::KeepOneDim, "1-D");
  add(aq::Decision::KeepSensitive, "embedder");
  add(aq::Decision::KeepOneDim, "1-D");
  const auto counts = aq::kept_rule_counts(plan);
  ASSERT_EQ(counts.size(), 2u);
  const std::string one_dim = std::string(aq::decision_name(aq::Decision::KeepOneDim)) + " (1-D)";
  const std::string sensitive = std::string(aq::decision_name(aq::Decision::KeepSensitive)) + " (embedder)";
  EXPECT_EQ(counts[0].rule, std::min(one_dim, sensitive));
  int total = 0;
  for (const auto& c : counts) {
    total += c.tensors;
    EXPECT_EQ(c.tensors, c.rule == one_dim ? 2 : 1) << c.rule;
  }
  EXPECT_EQ(total, 3);
}

}  // namespace
