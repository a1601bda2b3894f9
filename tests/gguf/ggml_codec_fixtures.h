#pragma once
// Shared by the ggml block codec tests (tests/gguf/ggml_*_test.cpp): the type table's entries,
// decoding and round trips through it, test data and error measures. Bit-exactness with ggml's
// own decoders was checked outside CI against a ggml build (docs/GGUF_TYPES.md, "Verification").
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gguf/ggml_types.h"

namespace aqtest::ggml {

using aq::gguf::GgmlType;
using aq::gguf::TypeTraits;

inline const TypeTraits& type(GgmlType t) {
  const TypeTraits* p = aq::gguf::find_type(t);
  EXPECT_NE(p, nullptr);
  return *p;
}

inline std::vector<float> decode(GgmlType t, const void* blocks, int64_t n) {
  std::vector<float> y(static_cast<std::size_t>(n), -12345.f);
  type(t).dequantize(blocks, n, y.data());
  return y;
}

inline constexpr GgmlType kCoded[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q8_0, GgmlType::Q6_K,
                                      GgmlType::Q5_1, GgmlType::Q5_0, GgmlType::Q5_K, GgmlType::Q4_1, GgmlType::Q4_0,
                                      GgmlType::Q4_K, GgmlType::Q3_K, GgmlType::Q2_K};
inline constexpr GgmlType kQuantized[] = {GgmlType::Q8_0, GgmlType::Q6_K, GgmlType::Q5_1, GgmlType::Q5_0,
                                          GgmlType::Q5_K, GgmlType::Q4_1, GgmlType::Q4_0, GgmlType::Q4_K,
                                          GgmlType::Q3_K, GgmlType::Q2_K};

inline std::string name(GgmlType t) { return std::string(type(t).name); }

/// fp16 bit patterns of the hand-built blocks' scales.
inline constexpr uint16_t kH025 = 0x3400, kH05 = 0x3800, kH1 = 0x3c00, kHm1 = 0xbc00;

// ---------------------------------------------------------------------------------------------
// Test data

inline std::vector<float> gaussian(int64_t n, uint64_t seed, float sd = 0.02f) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, sd);
  std::vector<float> x(static_cast<std::size_t>(n));
  for (auto& v : x) v = nd(rng);
  return x;
}

/// Student-t (4 dof) scaled to std sd, 0.1% outliers at +-20 sd.
inline std::vector<float> heavy(int64_t n, uint64_t seed, float sd = 0.02f) {
  std::mt19937_64 rng(seed);
  std::student_t_distribution<double> t4(4.0);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<float> x(static_cast<std::size_t>(n));
  for (auto& v : x) v = float(t4(rng) * sd / std::sqrt(2.0));
  for (auto& v : x)
    if (u(rng) < 0.001) v = (rng() & 1) ? 20 * sd : -20 * sd;
  return x;
}

inline std::vector<float> round_trip(GgmlType t, const std::vector<float>& x, const float* w = nullptr) {
  const auto& tr = type(t);
  std::vector<uint8_t> q(aq::gguf::row_bytes(tr, int64_t(x.size())));
  tr.quantize(x.data(), int64_t(x.size()), q.data(), w);
  return decode(t, q.data(), int64_t(x.size()));
}

inline double sqnr_db(const std::vector<float>& x, const std::vector<float>& y) {
  double s = 0, e = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    s += double(x[i]) * x[i];
    e += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
  }
  return e == 0 ? 999.0 : 10 * std::log10(s / e);
}

/// Squared error of n values, weighted by w when given.
inline double block_error(const float* x, const float* y, int n, const float* w = nullptr) {
  double e = 0;
  for (int i = 0; i < n; ++i) e += (w ? w[i] : 1.0) * (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
  return e;
}

}  // namespace aqtest::ggml
