#pragma once
// Helpers for the kernel tests: packed tensors, test data with awkward shapes and values.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "quant/bit_pack.h"
#include "quant/kernels.h"
#include "quant/scheme.h"
#include "tensor/half.h"

namespace aqtest {

/// A [rows, cols] tensor quantized row by row.
struct Packed {
  aq::PackedLayout layout;
  std::vector<uint8_t> codes;
  std::vector<uint16_t> scales, zeros;
  aq::ErrorSums sums;
  aq::RowResult status;  // the first failing row's result, else Ok
  int64_t bad_row = -1;

  aq::RowOutput row_out(int64_t r) {
    const int64_t g = layout.groups_per_row;
    return {codes.data() + r * layout.row_bytes, scales.data() + r * g,
            zeros.empty() ? nullptr : zeros.data() + r * g};
  }
};

inline Packed quantize(const aq::KernelSet& k, const std::vector<float>& x, int64_t rows,
                       int64_t cols, const aq::QuantScheme& s) {
  Packed p;
  p.layout = aq::packed_layout(rows, cols, s);
  p.codes.assign(p.layout.codes_bytes, 0);
  p.scales.assign(std::size_t(rows * p.layout.groups_per_row), 0);
  if (!s.symmetric) p.zeros.assign(p.scales.size(), 0);
  for (int64_t r = 0; r < rows; ++r) {
    const aq::RowResult rr = k.quantize_row(x.data() + r * cols, cols, s, p.row_out(r), p.sums);
    if (rr.status != aq::RowStatus::Ok) {
      p.status = rr;
      p.bad_row = r;
      break;
    }
  }
  return p;
}

inline std::vector<float> dequantize(const aq::KernelSet& k, const Packed& p,
                                     const aq::QuantScheme& s) {
  const int64_t rows = p.layout.rows, cols = p.layout.cols, g = p.layout.groups_per_row;
  std::vector<float> y(std::size_t(rows * cols));
  for (int64_t r = 0; r < rows; ++r)
    k.dequantize_row(p.codes.data() + r * p.layout.row_bytes, p.scales.data() + r * g,
                     p.zeros.empty() ? nullptr : p.zeros.data() + r * g, cols, s,
                     y.data() + r * cols);
  return y;
}

/// Codes of one row, one byte each.
inline std::vector<uint8_t> row_codes(const Packed& p, int64_t r, int bits) {
  std::vector<uint8_t> c(std::size_t(p.layout.cols));
  aq::unpack_codes(p.codes.data() + r * p.layout.row_bytes, p.layout.cols, bits, c.data());
  return c;
}

enum class Dist {
  Gaussian,
  Uniform,
  HeavyTail,
  Outliers,
  Positive,
  MixedScale,
  Sparse,
  Tiny,
  Huge
};

inline const char* dist_name(Dist d) {
  static const char* names[] = {"gaussian",   "uniform", "heavytail", "outliers", "positive",
                                "mixedscale", "sparse",  "tiny",      "huge"};
  return names[int(d)];
}

inline std::vector<float> make_data(Dist d, std::size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> gauss(0.0f, 0.02f);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::student_t_distribution<float> student(2.0f);
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (d) {
      case Dist::Gaussian:
        v[i] = gauss(rng);
        break;
      case Dist::Uniform:
        v[i] = 0.1f * uni(rng);
        break;
      case Dist::HeavyTail:
        v[i] = 0.01f * student(rng);
        break;
      case Dist::Outliers:
        v[i] = gauss(rng) * (rng() % 97 == 0 ? 60.0f : 1.0f);
        break;
      case Dist::Positive:
        v[i] = std::fabs(gauss(rng)) + 0.001f;
        break;
      case Dist::MixedScale: {  // magnitudes from 1e-6 to 1e2, blocks of similar size
        const float mag = std::pow(10.0f, float(int((i / 16) % 9)) - 6.0f);
        v[i] = mag * uni(rng);
        break;
      }
      case Dist::Sparse:
        v[i] = ((i / 8) % 3 == 0 || rng() % 4 == 0) ? 0.0f : gauss(rng);
        break;
      case Dist::Tiny:
        v[i] = 1e-39f * uni(rng) + (rng() % 5 == 0 ? 3e-6f * uni(rng) : 0.0f);
        break;
      case Dist::Huge:
        v[i] = 8.0e6f * uni(rng);
        break;  // INT8 asym scale ~ 6.3e4: near fp16 max
    }
  }
  return v;
}

inline std::string scheme_name(const aq::QuantScheme& s) { return s.describe(); }

}  // namespace aqtest
