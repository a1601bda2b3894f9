// The size-budget allocation (plan/budget.h): within the budget, never worse than any uniform
// choice that fits, optimal where it can be checked by brute force, and a clear error when the
// budget is too small.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "budget_fixtures.h"
#include "plan/budget.h"

namespace {

using aqtest::cand;

TEST(Budget, PicksTheBestUpgradePerByte) {
  // Tensor 0 gains a lot from more bits, tensor 1 little: the budget goes to tensor 0.
  std::vector<aq::BudgetTensor> t(2);
  t[0].candidates = {cand(2, 100, 1.0), cand(4, 200, 0.1), cand(8, 400, 0.01)};
  t[1].candidates = {cand(2, 100, 0.2), cand(4, 200, 0.15), cand(8, 400, 0.14)};
  auto c = aq::allocate_budget(t, 300);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->chosen, (std::vector<std::size_t>{1, 0}));
  EXPECT_EQ(c->bytes, 300u);
  EXPECT_NEAR(c->error, 0.3, 1e-12);
}

TEST(Budget, DominatedAndNonConvexCandidatesAreSkipped) {
  std::vector<aq::BudgetTensor> t(1);
  // 150 bytes at 0.9 lies above the chord 100 -> 200; 250 bytes at 0.2 is worse than 200 bytes.
  t[0].candidates = {cand(2, 100, 1.0), cand(3, 150, 0.9), cand(4, 200, 0.1), cand(5, 250, 0.2)};
  auto c = aq::allocate_budget(t, 260);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->chosen[0], 2u);
}

TEST(Budget, TooSmallABudgetSaysHowSmallItGets) {
  std::vector<aq::BudgetTensor> t(2);
  t[0].candidates = {cand(2, 100, 1.0)};
  t[1].candidates = {cand(2, 50, 1.0), cand(4, 80, 0.5)};
  auto c = aq::allocate_budget(t, 149);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, aq::ErrorKind::BadArgument);
  EXPECT_NE(c.error().reason.find("takes 150 bytes"), std::string::npos) << c.error().reason;
}

// Random instances with convex, decreasing error curves (as quantization errors are): the choice
// fits, beats every uniform choice that fits, and is within one step of the brute-force optimum.
TEST(Budget, RandomConvexInstancesAgainstBruteForce) {
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 300; ++trial) {
    const int n = 2 + int(rng() % 3), m = 4;
    std::vector<aq::BudgetTensor> t(static_cast<std::size_t>(n));
    uint64_t max_step = 0;
    for (auto& x : t) {
      const double scale = 0.1 + double(rng() % 1000) / 100.0;
      const uint64_t size = 50 + rng() % 500;
      for (int b = 0; b < m; ++b) {
        const uint64_t bytes = size * uint64_t(1 + b) + rng() % 7;
        x.candidates.push_back(cand(2 + b, bytes, scale * std::pow(0.25, b)));
      }
      for (int b = 1; b < m; ++b) max_step = std::max(max_step, x.candidates[std::size_t(b)].bytes - x.candidates[std::size_t(b) - 1].bytes);
    }
    uint64_t min_bytes = 0, max_bytes = 0;
    for (auto& x : t) min_bytes += x.candidates.front().bytes, max_bytes += x.candidates.back().bytes;
    const uint64_t budget = min_bytes + rng() % (max_bytes - min_bytes + 1);
    auto c = aq::allocate_budget(t, budget);
    ASSERT_TRUE(c.ok());
    ASSERT_LE(c->bytes, budget);
    // Brute force over all m^n assignments; also the best for a budget one step smaller.
    double best = 1e300, best_smaller = 1e300;
    std::vector<int> pick(std::size_t(n), 0);
    for (;;) {
      uint64_t bytes = 0;
      double err = 0;
      for (int i = 0; i < n; ++i) bytes += t[std::size_t(i)].candidates[std::size_t(pick[std::size_t(i)])].bytes,
                                   err += t[std::size_t(i)].candidates[std::size_t(pick[std::size_t(i)])].error;
      if (bytes <= budget) best = std::min(best, err);
      if (bytes + max_step <= budget) best_smaller = std::min(best_smaller, err);
      int i = 0;
      while (i < n && ++pick[std::size_t(i)] == m) pick[std::size_t(i++)] = 0;
      if (i == n) break;
    }
    EXPECT_GE(c->error, best - 1e-12);
    if (best_smaller < 1e300) {
      EXPECT_LE(c->error, best_smaller + 1e-12) << "trial " << trial;
    }
    for (int b = 0; b < m; ++b) {  // every uniform choice that fits with a step to spare
      uint64_t bytes = 0;
      double err = 0;
      for (auto& x : t) bytes += x.candidates[std::size_t(b)].bytes, err += x.candidates[std::size_t(b)].error;
      if (bytes + max_step <= budget) {
        EXPECT_LE(c->error, err + 1e-12) << "trial " << trial << ", uniform " << b;
      }
    }
  }
}

TEST(Budget, ParseSize) {
  EXPECT_EQ(aq::parse_size("2GB"), 2000000000u);
  EXPECT_EQ(aq::parse_size("1.5GiB"), uint64_t(1.5 * 1024 * 1024 * 1024));
  EXPECT_EQ(aq::parse_size("800mb"), 800000000u);
  EXPECT_EQ(aq::parse_size("4096"), 4096u);
  EXPECT_FALSE(aq::parse_size("2 GB").has_value());
  EXPECT_FALSE(aq::parse_size("-1GB").has_value());
  EXPECT_FALSE(aq::parse_size("GB").has_value());
  EXPECT_FALSE(aq::parse_size("3furlongs").has_value());
}

}  // namespace
