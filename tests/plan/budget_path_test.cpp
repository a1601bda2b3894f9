// The size-versus-error points the budget allocation records (plan/budget.h): the path it took
// rises in size and falls in error and ends at its choice; the frontier is convex, starts where
// the path starts, and no choice lies below it. The GUI's Pareto chart and the JSON draw these.
#include <gtest/gtest.h>

#include <random>

#include "budget_fixtures.h"
#include "plan/budget.h"

namespace {

using aqtest::cand;

// The frontier's error at `bytes`, by linear interpolation (it is piecewise linear).
double frontier_at(const std::vector<aq::BudgetPoint>& f, uint64_t bytes) {
  for (std::size_t i = 1; i < f.size(); ++i)
    if (bytes <= f[i].bytes) {
      const double t = double(bytes - f[i - 1].bytes) / double(f[i].bytes - f[i - 1].bytes);
      return f[i - 1].error + t * (f[i].error - f[i - 1].error);
    }
  return f.back().error;
}

TEST(BudgetPath, SmallCaseExactly) {
  std::vector<aq::BudgetTensor> t(2);
  t[0].candidates = {cand(2, 100, 1.0), cand(4, 200, 0.1), cand(8, 400, 0.01)};
  t[1].candidates = {cand(2, 100, 0.2), cand(4, 200, 0.15), cand(8, 400, 0.14)};
  auto c = aq::allocate_budget(t, 300);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->path.size(), 2u);
  EXPECT_EQ(c->path[0].bytes, 200u);
  EXPECT_NEAR(c->path[0].error, 1.2, 1e-12);
  EXPECT_EQ(c->path[1].bytes, 300u);
  EXPECT_NEAR(c->path[1].error, 0.3, 1e-12);
  // Steps by decreasing error saved per byte: t0 2->4, t1 2->4, t0 4->8, t1 4->8.
  const std::vector<std::pair<uint64_t, double>> want = {{200, 1.2}, {300, 0.3}, {400, 0.25}, {600, 0.16}, {800, 0.15}};
  ASSERT_EQ(c->frontier.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(c->frontier[i].bytes, want[i].first) << i;
    EXPECT_NEAR(c->frontier[i].error, want[i].second, 1e-12) << i;
  }
}

// Random instances, non-convex and with dominated candidates (so the fill pass has work): the
// path is monotone and ends at the choice, the frontier is convex and lies under every point.
TEST(BudgetPath, MonotoneEndsAtTheChoiceAndNeverBelowTheFrontier) {
  std::mt19937_64 rng(7);
  int above = 0;
  for (int trial = 0; trial < 500; ++trial) {
    const int n = 1 + int(rng() % 5);
    std::vector<aq::BudgetTensor> t(static_cast<std::size_t>(n));
    uint64_t min_bytes = 0, max_bytes = 0;
    for (auto& x : t) {
      const int m = 1 + int(rng() % 6);
      uint64_t lo = ~uint64_t(0), hi = 0;
      for (int b = 0; b < m; ++b) {
        const uint64_t bytes = 10 + rng() % 400;
        x.candidates.push_back(cand(2 + b, bytes, double(rng() % 1000) / 100.0 + 0.01));
        lo = std::min(lo, bytes), hi = std::max(hi, bytes);
      }
      min_bytes += lo, max_bytes += hi;
    }
    const uint64_t budget = min_bytes + rng() % (max_bytes - min_bytes + 1);
    auto c = aq::allocate_budget(t, budget);
    ASSERT_TRUE(c.ok()) << "trial " << trial;
    const auto& path = c->path;
    ASSERT_FALSE(path.empty());
    for (std::size_t i = 1; i < path.size(); ++i) {
      EXPECT_GT(path[i].bytes, path[i - 1].bytes) << "trial " << trial << ", step " << i;
      EXPECT_LT(path[i].error, path[i - 1].error) << "trial " << trial << ", step " << i;
    }
    EXPECT_EQ(path.back().bytes, c->bytes) << "trial " << trial;
    EXPECT_DOUBLE_EQ(path.back().error, c->error) << "trial " << trial;
    EXPECT_LE(path.back().bytes, budget);

    const auto& f = c->frontier;
    ASSERT_FALSE(f.empty());
    EXPECT_EQ(f.front().bytes, path.front().bytes);
    EXPECT_NEAR(f.front().error, path.front().error, 1e-9);
    for (std::size_t i = 1; i < f.size(); ++i) {
      EXPECT_GT(f[i].bytes, f[i - 1].bytes) << "trial " << trial;
      EXPECT_LT(f[i].error, f[i - 1].error) << "trial " << trial;
      if (i >= 2) {  // convex: each step saves less error per byte than the one before
        const double before = (f[i - 2].error - f[i - 1].error) / double(f[i - 1].bytes - f[i - 2].bytes);
        const double now = (f[i - 1].error - f[i].error) / double(f[i].bytes - f[i - 1].bytes);
        EXPECT_LE(now, before * (1 + 1e-9)) << "trial " << trial;
      }
    }
    // The frontier ends with every tensor at its least error.
    double best = 0;
    for (const auto& x : t) {
      double e = 1e300;
      for (const auto& k : x.candidates) e = std::min(e, k.error);
      best += e;
    }
    EXPECT_NEAR(f.back().error, best, 1e-9) << "trial " << trial;
    for (const auto& p : path) EXPECT_GE(p.error, frontier_at(f, p.bytes) - 1e-9) << "trial " << trial;
    above += c->error > frontier_at(f, c->bytes) + 1e-9;
  }
  EXPECT_GT(above, 0);  // discrete choices often sit above the convex frontier: the test sees both cases
}

}  // namespace
