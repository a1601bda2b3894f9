// What the quantized numbers must satisfy, checked on every kernel set the CPU can run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "quant/range_search.h"
#include "quant_test_util.h"

namespace {

using aq::Method;
using aq::QuantScheme;
using aqtest::Dist;

std::vector<const aq::KernelSet*> kernel_sets() {
  std::vector<const aq::KernelSet*> v{&aq::scalar_kernels()};
  if (aq::avx2_kernels()) v.push_back(aq::avx2_kernels());
  return v;
}

float group_scale(const aqtest::Packed& p, int64_t r, int64_t g) {
  return aq::fp16_to_f32(p.scales[std::size_t(r * p.layout.groups_per_row + g)]);
}

double sqnr_db(const std::vector<float>& x, const std::vector<float>& y) {
  double s = 0, e = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    s += double(x[i]) * x[i];
    e += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
  }
  return 10 * std::log10(s / e);
}

// Gaussian data, groups of 64. A uniform quantizer with step s has noise s^2/12; with the range of
// 64 Gaussian samples about 4.9 sigma, SQNR ~ 10 log10(12 m^2 / 4.9^2): INT8 45.2, INT4 20.6,
// INT3 13.4, INT2 6.5 dB (asymmetric). Measured here, MinMax asym/sym: INT8 45.4/44.6,
// INT4 20.8/19.8, INT3 14.2/12.7, INT2 6.8/3.5 dB (symmetric INT2 has a single positive level);
// Search adds 0.1 (INT8) to 4.8 dB (INT2 sym). The bounds leave 2-3 dB.
TEST(KernelQuality, SqnrOnGaussianGroup64) {
  const int64_t rows = 16, cols = 4096;
  const auto x = aqtest::make_data(Dist::Gaussian, rows * cols, 42);
  struct Bound {
    int bits;
    bool sym;
    double min_db;
  };
  const Bound bounds[] = {{8, false, 42}, {4, false, 18}, {3, false, 11.5}, {2, false, 4.5},
                          {8, true, 41},  {4, true, 17},  {3, true, 10},    {2, true, 1.5}};
  for (const aq::KernelSet* k : kernel_sets())
    for (const Bound& b : bounds)
      for (Method m : {Method::MinMax, Method::Search}) {
        const QuantScheme s{b.bits, 64, b.sym, m};
        const auto p = aqtest::quantize(*k, x, rows, cols, s);
        ASSERT_EQ(int(p.status.status), int(aq::RowStatus::Ok));
        const double db = sqnr_db(x, aqtest::dequantize(*k, p, s));
        EXPECT_GT(db, b.min_db) << k->name << " " << s.describe();
        // The kernel's own sums give the same figure.
        EXPECT_NEAR(aq::metrics_from(p.sums).sqnr_db, db, 1e-3) << k->name << " " << s.describe();
      }
}

// MinMax rounds to nearest inside a range the (rounded-up) scale always covers, so no element is
// off by more than half a step, up to float rounding of x * (1/scale).
TEST(KernelQuality, MinMaxErrorAtMostHalfStep) {
  for (const aq::KernelSet* k : kernel_sets())
    for (Dist d : {Dist::Gaussian, Dist::Outliers, Dist::Positive, Dist::MixedScale, Dist::Huge})
      for (int bits : {2, 3, 4, 8})
        for (bool sym : {false, true})
          for (int group : {8, 64, 100, 0}) {
            if (d == Dist::Huge && bits < 8)
              continue;  // scale past fp16: see ScaleOverflowBoundary
            const int64_t rows = 4, cols = 1000;
            const auto x = aqtest::make_data(d, rows * cols, uint64_t(bits * 7 + group));
            const QuantScheme s{bits, group, sym, Method::MinMax};
            const auto p = aqtest::quantize(*k, x, rows, cols, s);
            ASSERT_EQ(int(p.status.status), int(aq::RowStatus::Ok));
            const auto y = aqtest::dequantize(*k, p, s);
            const int64_t g = p.layout.group;
            for (int64_t r = 0; r < rows; ++r)
              for (int64_t c = 0; c < cols; ++c) {
                const std::size_t i = std::size_t(r * cols + c);
                const double bound = 0.5 * group_scale(p, r, c / g) + 4e-7 * std::fabs(x[i]);
                ASSERT_LE(std::fabs(double(x[i]) - y[i]), bound)
                    << k->name << " " << s.describe() << " " << aqtest::dist_name(d) << " r" << r
                    << " c" << c;
              }
          }
}

TEST(KernelQuality, SearchNeverWorseThanMinMaxPerGroup) {
  for (const aq::KernelSet* k : kernel_sets())
    for (Dist d : {Dist::Gaussian, Dist::HeavyTail, Dist::Outliers, Dist::Uniform, Dist::Sparse})
      for (int bits : {2, 3, 4, 8})
        for (bool sym : {false, true})
          for (int group : {8, 64, 100, 0}) {
            const int64_t rows = 4, cols = 777;
            const auto x = aqtest::make_data(d, rows * cols, uint64_t(bits + group));
            const QuantScheme mm{bits, group, sym, Method::MinMax},
                se{bits, group, sym, Method::Search};
            const auto pm = aqtest::quantize(*k, x, rows, cols, mm);
            const auto ps = aqtest::quantize(*k, x, rows, cols, se);
            const auto ym = aqtest::dequantize(*k, pm, mm), ys = aqtest::dequantize(*k, ps, se);
            const int64_t g = pm.layout.group;
            double total_m = 0, total_s = 0;
            for (int64_t r = 0; r < rows; ++r)
              for (int64_t c0 = 0; c0 < cols; c0 += g) {
                double em = 0, es = 0;
                for (int64_t c = c0; c < std::min(cols, c0 + g); ++c) {
                  const std::size_t i = std::size_t(r * cols + c);
                  em += (double(x[i]) - ym[i]) * (double(x[i]) - ym[i]);
                  es += (double(x[i]) - ys[i]) * (double(x[i]) - ys[i]);
                }
                // The kernel ranks candidates by float sums; allow their rounding.
                ASSERT_LE(es, em * (1 + 1e-5) + 1e-30)
                    << k->name << " " << se.describe() << " " << aqtest::dist_name(d) << " r" << r
                    << " c0 " << c0;
                total_m += em;
                total_s += es;
              }
            EXPECT_LE(total_s, total_m);
          }
}

TEST(KernelQuality, ErrorSumsMatchDirectComputation) {
  for (const aq::KernelSet* k : kernel_sets())
    for (Method m : {Method::MinMax, Method::Search})
      for (int bits : {2, 4, 8})
        for (int group : {32, 0, 300}) {
          const int64_t rows = 5, cols = 1500;
          const auto x = aqtest::make_data(Dist::Outliers, rows * cols, 9);
          const QuantScheme s{bits, group, false, m};
          const auto p = aqtest::quantize(*k, x, rows, cols, s);
          const auto y = aqtest::dequantize(*k, p, s);
          double x2 = 0, y2 = 0, xy = 0, e2 = 0;
          float max_err = 0;
          for (std::size_t i = 0; i < x.size(); ++i) {
            x2 += double(x[i]) * x[i];
            y2 += double(y[i]) * y[i];
            xy += double(x[i]) * y[i];
            e2 += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
            max_err = std::max(max_err, std::fabs(x[i] - y[i]));
          }
          SCOPED_TRACE(std::string(k->name) + " " + s.describe());
          // Float sums over <= 256 elements, then double: ~1e-7 relative.
          EXPECT_NEAR(p.sums.sum_x2, x2, 1e-6 * x2);
          EXPECT_NEAR(p.sums.sum_y2, y2, 1e-6 * y2);
          EXPECT_NEAR(p.sums.sum_xy, xy, 1e-6 * (x2 + y2));
          EXPECT_NEAR(p.sums.sum_e2, e2, 1e-5 * e2);
          EXPECT_EQ(p.sums.max_abs_err, double(max_err));
          EXPECT_EQ(p.sums.count, rows * cols);
        }
}

// Quantizing what the decoder reconstructs gives back the same packed data, when each group uses
// its full code range (so its range, hence its scale, is recoverable).
TEST(KernelQuality, QuantizeInvertsDequantize) {
  std::mt19937_64 rng(5);
  for (const aq::KernelSet* k : kernel_sets())
    for (int bits : {2, 3, 4, 8})
      for (bool sym : {false, true})
        for (int group : {8, 64, 100, 0}) {
          const int64_t rows = 3, cols = 1000;
          const QuantScheme s{bits, group, sym, Method::MinMax};
          aqtest::Packed p;
          p.layout = aq::packed_layout(rows, cols, s);
          const int64_t g = p.layout.group, gpr = p.layout.groups_per_row, top = s.max_code();
          std::vector<uint8_t> codes(std::size_t(rows * cols));
          for (auto& c : codes) c = uint8_t(rng() % uint64_t(top + 1));
          p.scales.resize(std::size_t(rows * gpr));
          if (!sym) p.zeros.resize(p.scales.size());
          for (int64_t r = 0; r < rows; ++r)
            for (int64_t gi = 0; gi < gpr; ++gi) {
              const std::size_t at = std::size_t(r * gpr + gi);
              // Normal fp16 scales between 2^-14 and 2^10.
              p.scales[at] = uint16_t(0x0400 + rng() % (0x6400 - 0x0400));
              uint8_t* gc = codes.data() + r * cols + gi * g;
              gc[0] = 0;  // the negative end of the range
              if (!sym) {
                p.zeros[at] = aq::f32_to_fp16(float(rng() % uint64_t(top + 1)));
                gc[std::min(g, cols - gi * g) - 1] = uint8_t(top);  // and the positive end
              }
            }
          p.codes.resize(p.layout.codes_bytes);
          for (int64_t r = 0; r < rows; ++r)
            aq::pack_codes(codes.data() + r * cols, cols, bits,
                           p.codes.data() + r * p.layout.row_bytes);
          const auto y = aqtest::dequantize(*k, p, s);
          const auto q = aqtest::quantize(*k, y, rows, cols, s);
          SCOPED_TRACE(std::string(k->name) + " " + s.describe());
          ASSERT_EQ(int(q.status.status), int(aq::RowStatus::Ok));
          EXPECT_EQ(q.codes, p.codes);
          EXPECT_EQ(q.scales, p.scales);
          EXPECT_EQ(q.zeros, p.zeros);
          EXPECT_EQ(q.sums.sum_e2, 0.0);
        }
}

TEST(KernelQuality, ZeroAndConstantGroups) {
  for (const aq::KernelSet* k : kernel_sets())
    for (int bits : {2, 3, 4, 8})
      for (bool sym : {false, true})
        for (Method m : {Method::MinMax, Method::Search}) {
          const QuantScheme s{bits, 64, sym, m};
          SCOPED_TRACE(std::string(k->name) + " " + s.describe());
          // Zeros: scale 0, codes = zero point, exact reconstruction.
          std::vector<float> zeros(200, 0.0f);
          zeros[3] = -0.0f;
          auto p = aqtest::quantize(*k, zeros, 1, 200, s);
          ASSERT_EQ(int(p.status.status), int(aq::RowStatus::Ok));
          for (uint16_t v : p.scales) EXPECT_EQ(v, 0);
          const uint8_t zc = sym ? uint8_t(1 << (bits - 1)) : 0;
          for (uint8_t c : aqtest::row_codes(p, 0, bits)) EXPECT_EQ(c, zc);
          for (float y : aqtest::dequantize(*k, p, s)) EXPECT_EQ(y, 0.0f);
          EXPECT_EQ(p.sums.sum_e2, 0.0);
          EXPECT_EQ(p.sums.count, 200);
          // Constants: the range [min(c,0), max(c,0)] puts c on the end of the code range, so
          // only the fp16 rounding of the scale (< 2^-10 relative) is lost.
          for (float c : {0.37f, -0.37f, 1234.5f, -3.1e-3f, 7e-5f}) {
            std::vector<float> x(200, c);
            p = aqtest::quantize(*k, x, 1, 200, s);
            ASSERT_EQ(int(p.status.status), int(aq::RowStatus::Ok));
            // A scale in fp16's subnormal range has fewer bits: then half a step is the bound.
            const float step = group_scale(p, 0, 0);
            const double tol = std::max(std::fabs(c) * 2e-3, step < 6.1e-5f ? 0.5 * step : 0.0);
            for (float y : aqtest::dequantize(*k, p, s)) EXPECT_NEAR(y, c, tol) << c;
          }
        }
}

TEST(KernelQuality, DenormalsAndTinyValues) {
  for (const aq::KernelSet* k : kernel_sets())
    for (int bits : {2, 4, 8})
      for (Method m : {Method::MinMax, Method::Search}) {
        const QuantScheme s{bits, 32, false, m};
        SCOPED_TRACE(std::string(k->name) + " " + s.describe());
        std::vector<float> x(256);
        for (std::size_t i = 0; i < x.size(); ++i)
          x[i] = (i % 2 ? 1.0f : -1.0f) * (i < 128 ? 1e-40f * float(i) : 1e-7f * float(i - 128));
        const auto p = aqtest::quantize(*k, x, 1, 256, s);
        ASSERT_EQ(int(p.status.status), int(aq::RowStatus::Ok)) << k->name;
        const auto y = aqtest::dequantize(*k, p, s);
        for (std::size_t i = 0; i < x.size(); ++i) {
          ASSERT_TRUE(std::isfinite(y[i]));
          // Scales are at least the smallest fp16 subnormal (2^-24), so float denormals end up as
          // 0 (|e| <= 2^-25); MinMax keeps every element within half a step, Search may clip.
          const float step = group_scale(p, 0, int64_t(i) / 32);
          EXPECT_GE(step, 5.96e-8f);
          if (m == Method::MinMax) {
            EXPECT_LE(std::fabs(x[i] - y[i]), 0.5f * step + 1e-12f) << i;
          }
          if (i < 128) {
            EXPECT_EQ(y[i], 0.0f) << i;
          }
        }
      }
}

// The AVX2 kernel takes max |e| as sqrt(max e^2) and recomputes it directly when e^2 underflows
// (|e| < 2^-63); both must give the exact max.
TEST(KernelQuality, MaxErrorOfTinyValues) {
  for (const aq::KernelSet* k : kernel_sets())
    for (Method m : {Method::MinMax, Method::Search})
      for (int group : {64, 0}) {
        for (float mag : {1e-30f, 1e-20f, 3e-8f}) {
          auto x = aqtest::make_data(Dist::Uniform, 3 * 640, 17);
          for (auto& v : x) v *= mag;
          const QuantScheme s{4, group, false, m};
          const auto p = aqtest::quantize(*k, x, 3, 640, s);
          ASSERT_EQ(int(p.status.status), int(aq::RowStatus::Ok));
          const auto y = aqtest::dequantize(*k, p, s);
          float max_err = 0;
          for (std::size_t i = 0; i < x.size(); ++i)
            max_err = std::max(max_err, std::fabs(x[i] - y[i]));
          EXPECT_GT(max_err, 0.0f);
          EXPECT_EQ(p.sums.max_abs_err, double(max_err))
              << k->name << " " << s.describe() << " " << mag;
        }
      }
}

TEST(KernelQuality, ScaleOverflowBoundary) {
  // INT4 asym: scale = (hi - lo) / 15 must stay <= 65504, i.e. hi - lo <= 982560.
  for (const aq::KernelSet* k : kernel_sets())
    for (Method m : {Method::MinMax, Method::Search}) {
      const QuantScheme s{4, 64, false, m};
      std::vector<float> x(192, 1.0f);
      x[64 + 17] = 982560.0f;
      auto p = aqtest::quantize(*k, x, 1, 192, s);
      EXPECT_EQ(int(p.status.status), int(aq::RowStatus::Ok)) << k->name;
      EXPECT_EQ(p.scales[1], 0x7bff);  // 65504
      x[64 + 17] = 982624.0f;          // the next float steps: just over the limit
      p = aqtest::quantize(*k, x, 1, 192, s);
      EXPECT_EQ(int(p.status.status), int(aq::RowStatus::ScaleOverflow)) << k->name;
      EXPECT_EQ(p.status.col, 64 + 17);
      // Symmetric INT8: scale = max(-lo / 128, hi / 127).
      const QuantScheme sym{8, 64, true, m};
      x.assign(192, 0.5f);
      x[150] = -65504.0f * 128;
      EXPECT_EQ(int(aqtest::quantize(*k, x, 1, 192, sym).status.status), int(aq::RowStatus::Ok));
      x[150] = 65504.0f * 127 * 1.0001f;
      p = aqtest::quantize(*k, x, 1, 192, sym);
      EXPECT_EQ(int(p.status.status), int(aq::RowStatus::ScaleOverflow));
      EXPECT_EQ(p.status.col, 150);
    }
}

TEST(KernelQuality, NonFiniteReportsFirstColumn) {
  for (const aq::KernelSet* k : kernel_sets())
    for (int group : {64, 0, 24})
      for (Method m : {Method::MinMax, Method::Search}) {
        const QuantScheme s{8, group, false, m};
        for (float bad : {std::nanf(""), INFINITY, -INFINITY}) {
          for (int64_t col : {int64_t(0), int64_t(63), int64_t(64), int64_t(517), int64_t(999)}) {
            auto x = aqtest::make_data(Dist::Gaussian, 1000, 1);
            x[std::size_t(col)] = bad;
            if (col + 100 < 1000) x[std::size_t(col + 100)] = bad;  // a later one is not reported
            const auto p = aqtest::quantize(*k, x, 1, 1000, s);
            EXPECT_EQ(int(p.status.status), int(aq::RowStatus::NonFinite)) << k->name << " " << col;
            EXPECT_EQ(p.status.col, col) << k->name << " " << s.describe() << " " << bad;
            EXPECT_EQ(p.sums.count, 0);  // a failed row adds nothing to the sums
          }
        }
      }
}

TEST(KernelQuality, SearchGridStartsWithMinMax) {
  EXPECT_EQ(aq::qk::kSearchFactors[0], 1.0f);
  for (int k = 1; k < aq::qk::kSearchCandidates; ++k)
    EXPECT_LT(aq::qk::kSearchFactors[k], aq::qk::kSearchFactors[k - 1]);
}

TEST(KernelQuality, Fp16CeilIsSmallestCoveringHalf) {
  for (uint32_t bits = 0; bits < 0x7f800000u; bits += 997) {
    float q;
    std::memcpy(&q, &bits, 4);
    const uint16_t h = aq::qk::fp16_ceil(q);
    if (h == aq::qk::kFp16Inf) {
      ASSERT_GT(q, 65504.0f);
      continue;
    }
    ASSERT_GE(aq::fp16_to_f32(h), q) << q;
    if (h > 0) {
      ASSERT_LT(aq::fp16_to_f32(uint16_t(h - 1)), q) << q;
    }
  }
}

TEST(KernelSets, Dispatch) {
  EXPECT_STREQ(aq::scalar_kernels().name, "scalar");
  if (aq::avx2_kernels()) {
    EXPECT_STREQ(aq::avx2_kernels()->name, "avx2");
  }
  // best_kernels() reads AQ_KERNELS once; run the tests with AQ_KERNELS=scalar to check the switch.
  const char* env = std::getenv("AQ_KERNELS");
  const bool forced = env && std::string(env) == "scalar";
  EXPECT_STREQ(aq::best_kernels().name, forced || !aq::avx2_kernels() ? "scalar" : "avx2");
}

}  // namespace
