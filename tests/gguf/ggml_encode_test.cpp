// The encoders through the type table: round trips, importance weights, special values.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "ggml_codec_fixtures.h"

namespace {

using namespace aqtest::ggml;

// ---------------------------------------------------------------------------------------------
// Round trips

TEST(GgmlEncode, RoundTripSqnrFloors) {
  // Floors: 0.2 to 0.6 dB under our SQNR measured on these exact inputs (65536 values each; the
  // test prints the figures, docs/GGUF_TYPES.md lists them).
  struct Floor { GgmlType t; double gauss, heavy; };
  const Floor floors[] = {
      {GgmlType::F32, 900, 900},          {GgmlType::F16, 70.0, 67.0},      {GgmlType::BF16, 47.0, 44.0},
      {GgmlType::Q8_0, 45.5, 40.8},       {GgmlType::Q6_K, 35.0, 31.2},     {GgmlType::Q5_1, 28.6, 26.4},
      {GgmlType::Q5_0, 27.4, 22.7},       {GgmlType::Q5_K, 28.8, 26.5},     {GgmlType::Q4_1, 22.6, 20.4},
      {GgmlType::Q4_0, 21.4, 17.3},       {GgmlType::Q4_K, 22.6, 20.4},     {GgmlType::Q3_K, 16.4, 14.8},
      {GgmlType::Q2_K, 11.1, 10.9},
  };
  const auto g = gaussian(65536, 1), h = heavy(65536, 2);
  for (const auto& f : floors) {
    const double sg = sqnr_db(g, round_trip(f.t, g)), sh = sqnr_db(h, round_trip(f.t, h));
    std::printf("  %-5s gaussian %7.3f dB  heavy-tailed %7.3f dB\n", name(f.t).c_str(), sg, sh);
    EXPECT_GE(sg, f.gauss) << name(f.t);
    EXPECT_GE(sh, f.heavy) << name(f.t);
  }
}

TEST(GgmlEncode, ExactlyRepresentableBlocksComeBackExactly) {
  // Values on a q8_0 / q4_0 grid with an fp16 scale: the encoder finds the grid (error 0).
  std::vector<float> x(64);
  for (int i = 0; i < 64; ++i) x[i] = 0.25f * float((i * 37) % 255 - 127);
  x[5] = 0.25f * -127;
  x[40] = 0.25f * 127;
  EXPECT_EQ(round_trip(GgmlType::Q8_0, x), x);
  for (int i = 0; i < 64; ++i) x[i] = 0.125f * float((i * 7) % 16 - 8);
  x[0] = -1.0f;  // -8 * 0.125 in each block
  x[32] = -1.0f;
  EXPECT_EQ(round_trip(GgmlType::Q4_0, x), x);
  EXPECT_EQ(round_trip(GgmlType::F16, x), x);
  EXPECT_EQ(round_trip(GgmlType::BF16, x), x);
}

// ---------------------------------------------------------------------------------------------
// Weights

TEST(GgmlEncode, WeightsSteerTheError) {
  // Half the weights 0, half 1: encoding with the weights must do better on the weighted error
  // than encoding without (summed over many blocks), for every type.
  for (GgmlType t : kQuantized) {
    const int64_t n = 256 * 256;
    const auto x = heavy(n, 7 + uint64_t(t));
    std::vector<float> w(static_cast<std::size_t>(n));
    for (int64_t i = 0; i < n; ++i) w[std::size_t(i)] = (i / 4) % 2 ? 1.0f : 0.0f;
    const auto yw = round_trip(t, x, w.data()), yu = round_trip(t, x);
    const double ew = block_error(x.data(), yw.data(), int(n), w.data());
    const double eu = block_error(x.data(), yu.data(), int(n), w.data());
    EXPECT_LT(ew, eu) << name(t);
    // Unit weights are the same as no weights.
    const std::vector<float> ones(std::size_t(n), 1.0f);
    EXPECT_EQ(round_trip(t, x, ones.data()), yu) << name(t);
  }
}

// ---------------------------------------------------------------------------------------------
// Special values

TEST(GgmlEncode, ZeroConstantAndTinyBlocks) {
  for (GgmlType t : kCoded) {
    const auto& tr = type(t);
    const int64_t n = tr.block_size == 1 ? 256 : tr.block_size * 4;
    std::vector<float> zero(std::size_t(n), 0.0f);
    EXPECT_EQ(round_trip(t, zero), zero) << name(t);
    std::vector<float> c(std::size_t(n), -0.375f);  // exact in fp16
    const auto yc = round_trip(t, c);
    for (float v : yc) EXPECT_NEAR(v, -0.375f, 0.375f * 2e-3) << name(t);
    std::vector<float> tiny(static_cast<std::size_t>(n));
    for (int64_t i = 0; i < n; ++i) tiny[std::size_t(i)] = float(i % 7 - 3) * 1e-30f;
    for (float v : round_trip(t, tiny)) EXPECT_LE(std::fabs(v), 1e-29f) << name(t);
  }
}

TEST(GgmlEncode, LargeAndNonFiniteInputsStayInRange) {
  // Nothing here is a valid weight, but the encoders must not crash or write out of place.
  for (GgmlType t : kQuantized) {
    const auto& tr = type(t);
    const int64_t n = tr.block_size * 3;
    std::vector<float> x = gaussian(n, 3);
    x[1] = 1e30f;
    x[std::size_t(tr.block_size) + 2] = INFINITY;
    x[std::size_t(2 * tr.block_size) + 3] = NAN;
    const auto y = round_trip(t, x);
    EXPECT_EQ(y.size(), x.size()) << name(t);
    std::vector<float> big(static_cast<std::size_t>(n));
    for (int64_t i = 0; i < n; ++i) big[std::size_t(i)] = float(i % 11 - 5) * 3e5f;
    const auto yb = round_trip(t, big);
    for (float v : yb) EXPECT_TRUE(std::isfinite(v)) << name(t);  // scales saturate at 65504
  }
}

}  // namespace
