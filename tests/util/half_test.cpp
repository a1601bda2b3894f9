#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "tensor/half.h"
#include "util/result.h"

namespace {

// Every one of the 65536 fp16 bit patterns survives fp16 -> f32 -> fp16 (NaNs stay NaN).
TEST(Half, EveryFp16PatternRoundTrips) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = aq::fp16_to_f32(uint16_t(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(aq::fp16_to_f32(aq::f32_to_fp16(f)))) << h;
      continue;
    }
    ASSERT_EQ(aq::f32_to_fp16(f), uint16_t(h)) << "pattern " << h;
  }
}

TEST(Half, RoundsToNearestEvenAndOverflows) {
  EXPECT_EQ(aq::f32_to_fp16(65504.0f), 0x7bff);
  EXPECT_EQ(aq::f32_to_fp16(65519.0f), 0x7bff);   // below the halfway point to 65536
  EXPECT_EQ(aq::f32_to_fp16(65520.0f), 0x7c00);   // halfway: rounds to even = infinity
  EXPECT_EQ(aq::f32_to_fp16(1.0f + 1.0f / 2048), 0x3c00);  // tie between 1 and 1+2^-10 -> even (1)
  EXPECT_EQ(aq::f32_to_fp16(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(aq::f32_to_fp16(std::ldexp(1.0f, -25)), 0x0000);  // half of it: tie to even (zero)
  EXPECT_EQ(aq::f32_to_fp16(-0.0f), 0x8000);
}

TEST(Half, Bf16KeepsTheTopBitsRounded) {
  EXPECT_EQ(aq::f32_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(aq::bf16_to_f32(0x3f80), 1.0f);
  EXPECT_TRUE(std::isnan(aq::bf16_to_f32(aq::f32_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
}

TEST(ErrorMessage, NamesFileTensorAndReason) {
  const aq::Error e = aq::make_error(aq::ErrorKind::BadInput, "/m/x.safetensors", "w", "truncated");
  EXPECT_EQ(e.message(), "/m/x.safetensors: tensor 'w': truncated");
}

}  // namespace
