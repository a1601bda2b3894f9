// The GPTQ factor: U upper triangular with U^T U = (H + damping)^-1, in both builds of the math
// (baseline and AVX2), for a width that spans several of the parallel column blocks.
#include <gtest/gtest.h>

#include <cmath>

#include "calib/gptq.h"
#include "calibration_fixture.h"

namespace {

void check_factor(const aq::GptqMath& math, bool act_order) {
  const int64_t k = 300;  // more than one 256-column block
  const auto h = aqtest::correlated_hessian(k, 2 * k, 5);
  aq::GptqOptions options;
  options.act_order = act_order;
  std::string note;
  auto f = aq::make_gptq_factor(h, k, false, options, math, note);
  ASSERT_TRUE(f.ok()) << f.error().reason;
  EXPECT_TRUE(note.empty()) << note;
  double mean = 0;
  for (int64_t i = 0; i < k; ++i) mean += h[std::size_t(i * k + i)];
  mean /= double(k);
  auto col = [&](int64_t i) { return act_order ? int64_t(f->order[std::size_t(i)]) : i; };
  const auto& u = f->u;
  double worst = 0;
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < i; ++j) ASSERT_EQ(u[std::size_t(i * k + j)], 0.0f) << i << "," << j;
  // (U^T U) H_damped = I, with H permuted into processing order.
  for (int64_t i = 0; i < k; i += 7)
    for (int64_t j = 0; j < k; j += 5) {
      double v = 0;
      for (int64_t a = 0; a < k; ++a) {
        double inv_ia = 0;  // (U^T U)[i][a]
        for (int64_t r = 0; r <= std::min(i, a); ++r) inv_ia += double(u[std::size_t(r * k + i)]) * u[std::size_t(r * k + a)];
        double hd = h[std::size_t(col(a) * k + col(j))];
        if (a == j) hd += 0.01 * mean;
        v += inv_ia * hd;
      }
      worst = std::max(worst, std::fabs(v - (i == j ? 1.0 : 0.0)));
    }
  EXPECT_LT(worst, 2e-3) << math.name;
}

TEST(GptqFactor, InverseFactorBothBuilds) {
  check_factor(aq::scalar_gptq_math(), false);
  check_factor(aq::best_gptq_math(), false);
  check_factor(aq::best_gptq_math(), true);
}

TEST(GptqFactor, IndefiniteMatrixNeedsMoreDamping) {
  const int64_t k = 4;
  std::vector<float> h = {1, 2, 0, 0, 2, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};  // eigenvalues 3, -1, 1, 1
  std::string note;
  auto f = aq::make_gptq_factor(h, k, false, {}, aq::best_gptq_math(), note);
  ASSERT_TRUE(f.ok());
  EXPECT_GT(f->damping, 0.01);
  EXPECT_NE(note.find("damping raised"), std::string::npos);
}

}  // namespace
