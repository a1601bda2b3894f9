#include "common/test_matrix.h"

#include <tbb/parallel_for.h>

#include <cmath>
#include <numbers>

#include "demo/splitmix64.h"
#include "tensor/half.h"

namespace aqb {
namespace {

// splitmix64 per row: reproducible whatever the thread count.
struct Rng : aq::SplitMix64 {
  double uniform() { return (double(next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }  // (0, 1)
  double normal() {
    return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * std::numbers::pi * uniform());
  }
  double student_t4() {  // unit scale; variance 2
    const double chi2 = -2.0 * std::log(uniform() * uniform());  // chi-square, 4 degrees of freedom
    return normal() / std::sqrt(chi2 / 4.0);
  }
};

Rng row_rng(uint64_t seed, int64_t row) {
  Rng r{{seed * 0x2545f4914f6cdd1dull ^ (uint64_t(row) * 0x9e3779b97f4a7c15ull)}};
  r.next();
  return r;
}

}  // namespace

std::vector<float> heavy_tailed_matrix(int64_t rows, int64_t cols, float stddev, double outlier_fraction,
                                       float outlier_sigmas, uint64_t seed) {
  std::vector<float> x(std::size_t(rows * cols));
  const double scale = double(stddev) / std::sqrt(2.0);  // t4 has variance 4 / (4 - 2) = 2
  const double outlier = double(outlier_sigmas) * double(stddev);
  tbb::parallel_for(int64_t(0), rows, [&](int64_t r) {
    Rng rng = row_rng(seed, r);
    float* row = x.data() + r * cols;
    for (int64_t c = 0; c < cols; ++c) row[c] = float(scale * rng.student_t4());
    for (int64_t c = 0; c < cols; ++c)
      if (rng.uniform() < outlier_fraction) row[c] = float((rng.next() & 1) ? outlier : -outlier);
  });
  return x;
}

std::vector<float> gaussian_matrix(int64_t rows, int64_t cols, float stddev, uint64_t seed) {
  std::vector<float> x(std::size_t(rows * cols));
  tbb::parallel_for(int64_t(0), rows, [&](int64_t r) {
    Rng rng = row_rng(seed ^ 0x5bd1e995u, r);
    float* row = x.data() + r * cols;
    for (int64_t c = 0; c < cols; ++c) row[c] = float(double(stddev) * rng.normal());
  });
  return x;
}

std::vector<uint16_t> to_fp16(const std::vector<float>& x) {
  std::vector<uint16_t> h(x.size());
  tbb::parallel_for(std::size_t(0), x.size(), [&](std::size_t i) { h[i] = aq::f32_to_fp16(x[i]); });
  return h;
}

std::vector<float> from_fp16(const std::vector<uint16_t>& h) {
  std::vector<float> x(h.size());
  tbb::parallel_for(std::size_t(0), h.size(), [&](std::size_t i) { x[i] = aq::fp16_to_f32(h[i]); });
  return x;
}

}  // namespace aqb
