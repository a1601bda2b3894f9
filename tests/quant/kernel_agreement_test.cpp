// Scalar reference vs AVX2, per the agreement contract in quant/kernels.h.
#include <gtest/gtest.h>

#include <cstring>

#include "quant_test_util.h"

namespace {

using aq::Method;
using aq::QuantScheme;
using aqtest::Dist;

const int kBits[] = {2, 3, 4, 8};
// 0 = one group per row; 24, 100, 300 do not divide most rows; 300 > kSumBlock (multi-block).
const int kGroups[] = {8, 32, 64, 128, 0, 24, 100, 256, 300};
const int64_t kCols[] = {1, 7, 8, 31, 33, 127, 129, 1023};
const Dist kDists[] = {Dist::Gaussian, Dist::Uniform,  Dist::HeavyTail,
                       Dist::Outliers, Dist::Positive, Dist::MixedScale,
                       Dist::Sparse,   Dist::Tiny,     Dist::Huge};

bool near_rel(double a, double b, double rel) {
  return a == b || std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b));
}

double group_sse(const std::vector<float>& x, const std::vector<float>& y, int64_t begin,
                 int64_t end) {
  double s = 0;
  for (int64_t i = begin; i < end; ++i) s += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
  return s;
}

/// Quantizes with both kernel sets and checks the contract; returns false if it failed.
void expect_agree(const std::vector<float>& x, int64_t rows, int64_t cols, const QuantScheme& s) {
  const aq::KernelSet& sk = aq::scalar_kernels();
  const aq::KernelSet& vk = *aq::avx2_kernels();
  const aqtest::Packed a = aqtest::quantize(sk, x, rows, cols, s);
  const aqtest::Packed b = aqtest::quantize(vk, x, rows, cols, s);
  ASSERT_EQ(int(a.status.status), int(b.status.status));
  ASSERT_EQ(a.status.col, b.status.col);
  ASSERT_EQ(a.bad_row, b.bad_row);
  if (a.status.status != aq::RowStatus::Ok) return;

  const std::vector<float> ya = aqtest::dequantize(sk, a, s), yb = aqtest::dequantize(vk, b, s);
  bool params_differ = false;
  if (s.method == Method::MinMax) {
    ASSERT_EQ(a.codes, b.codes);
    ASSERT_EQ(a.scales, b.scales);
    ASSERT_EQ(a.zeros, b.zeros);
  } else {
    // Search may pick differently only between candidates whose errors tie within rounding.
    const int64_t group = a.layout.group, gpr = a.layout.groups_per_row;
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t g = 0; g < gpr; ++g) {
        const std::size_t gi = std::size_t(r * gpr + g);
        const bool same =
            a.scales[gi] == b.scales[gi] && (s.symmetric || a.zeros[gi] == b.zeros[gi]);
        const int64_t begin = r * cols + g * group,
                      end = r * cols + std::min(cols, (g + 1) * group);
        if (same) {
          ASSERT_EQ(0,
                    std::memcmp(ya.data() + begin, yb.data() + begin, std::size_t(end - begin) * 4))
              << "row " << r << " group " << g;
          continue;
        }
        params_differ = true;
        EXPECT_TRUE(near_rel(group_sse(x, ya, begin, end), group_sse(x, yb, begin, end), 1e-5))
            << "row " << r << " group " << g;
      }
    }
  }
  if (!params_differ) {
    EXPECT_TRUE(near_rel(a.sums.sum_x2, b.sums.sum_x2, 1e-9));
    EXPECT_TRUE(near_rel(a.sums.sum_y2, b.sums.sum_y2, 1e-9));
    EXPECT_TRUE(near_rel(a.sums.sum_xy, b.sums.sum_xy, 1e-9));
    EXPECT_TRUE(near_rel(a.sums.sum_e2, b.sums.sum_e2, 1e-9));
    EXPECT_EQ(a.sums.max_abs_err, b.sums.max_abs_err);
  }
  EXPECT_EQ(a.sums.count, b.sums.count);
  // Both dequantizers read the same packed data bit-identically.
  const std::vector<float> yab = aqtest::dequantize(vk, a, s);
  ASSERT_EQ(0, std::memcmp(ya.data(), yab.data(), ya.size() * 4));
}

void agree_over_shapes(Method method) {
  if (!aq::avx2_kernels()) GTEST_SKIP() << "CPU lacks AVX2/FMA/F16C";
  const int64_t rows = 3;
  uint64_t seed = 1;
  for (int bits : kBits)
    for (bool sym : {false, true})
      for (int group : kGroups)
        for (int64_t cols : kCols)
          for (Dist d : kDists) {
            const QuantScheme s{bits, group, sym, method};
            SCOPED_TRACE(s.describe() + " cols=" + std::to_string(cols) + " " +
                         aqtest::dist_name(d));
            const auto x = aqtest::make_data(d, std::size_t(rows * cols), seed++);
            expect_agree(x, rows, cols, s);
            if (::testing::Test::HasFatalFailure()) return;
          }
}

TEST(KernelAgreement, MinMaxAllShapes) { agree_over_shapes(Method::MinMax); }
TEST(KernelAgreement, SearchAllShapes) { agree_over_shapes(Method::Search); }

TEST(KernelAgreement, LongRows) {
  if (!aq::avx2_kernels()) GTEST_SKIP() << "CPU lacks AVX2/FMA/F16C";
  for (Method m : {Method::MinMax, Method::Search})
    for (int bits : kBits)
      for (int group : {0, 64, 1000}) {
        const QuantScheme s{bits, group, false, m};
        SCOPED_TRACE(s.describe());
        expect_agree(aqtest::make_data(Dist::Outliers, 2 * 20011, 7), 2, 20011, s);
      }
}

TEST(KernelAgreement, AdversarialGroups) {
  if (!aq::avx2_kernels()) GTEST_SKIP() << "CPU lacks AVX2/FMA/F16C";
  const int64_t cols = 8 * 64 + 40;
  std::vector<std::vector<float>> rows;
  std::vector<float> v(cols, 0.0f);
  rows.push_back(v);  // all zero
  for (auto& e : v) e = 0.37f;
  rows.push_back(v);  // constant positive
  for (auto& e : v) e = -1.5e-5f;
  rows.push_back(v);  // constant negative, fp16-subnormal scale
  for (int64_t i = 0; i < cols; ++i) v[i] = (i / 64) % 2 ? 0.0f : 0.01f * float(i % 7) - 0.03f;
  rows.push_back(v);  // zero groups inside tiles
  for (int64_t i = 0; i < cols; ++i) v[i] = (i % 3 ? 1.0f : -1.0f) * 1e-41f * float(i % 11);
  rows.push_back(v);  // float denormals
  for (int64_t i = 0; i < cols; ++i) v[i] = (i % 2 ? 1.0f : -1.0f) * 8.3e6f;
  rows.push_back(v);  // near the fp16 scale limit (INT8)
  for (int64_t i = 0; i < cols; ++i) v[i] = i % 64 == 5 ? 1.0f : 0.0f;
  rows.push_back(v);  // one spike per group
  for (int64_t i = 0; i < cols; ++i) v[i] = -0.0f;
  rows.push_back(v);  // negative zeros
  for (const auto& row : rows)
    for (int bits : kBits)
      for (bool sym : {false, true})
        for (Method m : {Method::MinMax, Method::Search})
          for (int group : {8, 64, 0, 100}) {
            const QuantScheme s{bits, group, sym, m};
            SCOPED_TRACE(s.describe() + " first=" + std::to_string(row[0]));
            expect_agree(row, 1, cols, s);
            if (::testing::Test::HasFatalFailure()) return;
          }
}

TEST(KernelAgreement, StatusAndColumn) {
  if (!aq::avx2_kernels()) GTEST_SKIP() << "CPU lacks AVX2/FMA/F16C";
  const int64_t cols = 1100;
  const float nan = std::nanf(""), inf = INFINITY;
  struct Poke {
    int64_t col;
    float value;
  };
  const std::vector<std::vector<Poke>> cases = {
      {{5, nan}},
      {{700, inf}},
      {{1099, -inf}},
      {{300, nan}, {70, inf}},    // two groups, the earlier column wins
      {{130, inf}, {129, nan}},   // same tile: NaN (found late) still wins by column
      {{64, 2e9f}},               // scale overflow
      {{640, 2e9f}, {900, nan}},  // overflow before a NaN
      {{900, 2e9f}, {640, nan}},  // NaN before an overflow
      {{10, 2e9f}, {12, nan}},    // both in one group: NaN reported
  };
  for (const auto& pokes : cases)
    for (int group : {64, 0, 8, 300})
      for (bool zero_row : {false, true})
        for (Method m : {Method::MinMax, Method::Search}) {
          auto x = zero_row ? std::vector<float>(cols, 0.0f)
                            : aqtest::make_data(Dist::Gaussian, cols, 3);
          for (const Poke& p : pokes) x[std::size_t(p.col)] = p.value;
          const QuantScheme s{4, group, false, m};
          SCOPED_TRACE(s.describe() + " first poke " + std::to_string(pokes[0].col));
          expect_agree(x, 1, cols, s);
          const auto a = aqtest::quantize(aq::scalar_kernels(), x, 1, cols, s);
          EXPECT_NE(int(a.status.status), int(aq::RowStatus::Ok));
        }
}

// ---- conversions and dequantization ----------------------------------------------------------

TEST(KernelAgreement, ToF32AllHalfPatterns) {
  if (!aq::avx2_kernels()) GTEST_SKIP() << "CPU lacks AVX2/FMA/F16C";
  std::vector<uint16_t> h(65536 + 13);
  for (std::size_t i = 0; i < h.size(); ++i) h[i] = uint16_t(i);
  for (aq::DType dt : {aq::DType::F16, aq::DType::BF16}) {
    for (std::size_t offset : {0, 1, 3}) {
      for (int64_t n : {int64_t(1), int64_t(7), int64_t(8), int64_t(9), int64_t(65536)}) {
        std::vector<float> a(static_cast<std::size_t>(n)), b(static_cast<std::size_t>(n));
        const auto* src = reinterpret_cast<const std::byte*>(h.data() + offset);
        aq::scalar_kernels().to_f32(dt, src, a.data(), n);
        aq::avx2_kernels()->to_f32(dt, src, b.data(), n);
        ASSERT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * 4)) << int(dt) << " n=" << n;
        for (int64_t i = 0; i < n; ++i) {
          const uint16_t v = h[offset + std::size_t(i)];
          const float ref = dt == aq::DType::F16 ? aq::fp16_to_f32(v) : aq::bf16_to_f32(v);
          ASSERT_EQ(0, std::memcmp(&ref, &a[std::size_t(i)], 4)) << std::hex << v;
        }
      }
    }
  }
  const auto f = aqtest::make_data(Dist::Gaussian, 1031, 5);
  std::vector<float> a(f.size()), b(f.size());
  aq::scalar_kernels().to_f32(aq::DType::F32, reinterpret_cast<const std::byte*>(f.data()),
                              a.data(), 1031);
  aq::avx2_kernels()->to_f32(aq::DType::F32, reinterpret_cast<const std::byte*>(f.data()), b.data(),
                             1031);
  EXPECT_EQ(a, f);
  EXPECT_EQ(b, f);
}

TEST(KernelAgreement, DequantizeRandomPackedData) {
  if (!aq::avx2_kernels()) GTEST_SKIP() << "CPU lacks AVX2/FMA/F16C";
  std::mt19937_64 rng(11);
  for (int bits : kBits)
    for (bool sym : {false, true})
      for (int group : kGroups)
        for (int64_t cols : kCols) {
          const QuantScheme s{bits, group, sym, Method::MinMax};
          aqtest::Packed p;
          p.layout = aq::packed_layout(2, cols, s);
          p.codes.resize(p.layout.codes_bytes);
          for (auto& c : p.codes) c = uint8_t(rng());
          p.scales.resize(std::size_t(2 * p.layout.groups_per_row));
          for (auto& v : p.scales)
            v = uint16_t(rng() % 0x7c00);  // any finite positive, incl. subnormal
          if (!sym) {
            p.zeros.resize(p.scales.size());
            for (auto& z : p.zeros) z = aq::f32_to_fp16(float(rng() % uint64_t(s.levels())));
          }
          const auto a = aqtest::dequantize(aq::scalar_kernels(), p, s);
          const auto b = aqtest::dequantize(*aq::avx2_kernels(), p, s);
          ASSERT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * 4))
              << s.describe() << " " << cols;
        }
}

}  // namespace
