// A quick look at kernel speed, printed, never asserted (timings belong to bench/). Disabled by
// default; run with
//   build/tests/aq_quant_tests --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "quant_test_util.h"

namespace {

/// Best of several ~20 ms trials, in elements per second: the machine may be shared.
template <class F>
double best_rate(F&& f, int64_t elems) {
  double best = 0;
  for (int trial = 0; trial < 7; ++trial) {
    const auto t0 = std::chrono::steady_clock::now();
    int64_t n = 0;
    double s = 0;
    do {
      f();
      n += elems;
      s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    } while (s < 0.02);
    best = std::max(best, double(n) / s);
  }
  return best;
}

TEST(KernelThroughput, DISABLED_QuantizeRow) {
  // 16 rows of 4096 floats (256 KB): cache-resident, like the row buffer the job converts into.
  const int64_t rows = 16, cols = 4096;
  const auto x = aqtest::make_data(aqtest::Dist::Gaussian, std::size_t(rows * cols), 1);
  const aq::QuantScheme schemes[] = {
      {8, 64, false, aq::Method::MinMax},  {4, 64, false, aq::Method::MinMax},
      {4, 128, false, aq::Method::MinMax}, {2, 64, false, aq::Method::MinMax},
      {3, 64, false, aq::Method::MinMax},  {8, 0, false, aq::Method::MinMax},
      {8, 64, false, aq::Method::Search},  {4, 64, false, aq::Method::Search},
      {4, 64, true, aq::Method::Search},   {4, 0, false, aq::Method::Search}};
  std::vector<const aq::KernelSet*> sets{&aq::scalar_kernels()};
  if (aq::avx2_kernels()) sets.push_back(aq::avx2_kernels());
  for (const aq::QuantScheme& s : schemes) {
    std::printf("%-26s", s.describe().c_str());
    double first = 0;
    aqtest::Packed p = aqtest::quantize(aq::scalar_kernels(), x, rows, cols, s);  // the buffers
    for (const aq::KernelSet* k : sets) {
      const double rate = best_rate(
          [&] {
            aq::ErrorSums sums;
            for (int64_t r = 0; r < rows; ++r)
              k->quantize_row(x.data() + r * cols, cols, s, p.row_out(r), sums);
          },
          rows * cols);
      std::printf("  %s %6.3f Gparam/s", k->name, rate / 1e9);
      if (first > 0) std::printf(" (x%.1f)", rate / first);
      first = rate;
    }
    std::printf("\n");
  }
}

}  // namespace
