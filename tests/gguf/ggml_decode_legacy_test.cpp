// Decoders of the plain (f16, bf16) and legacy (q8_0, q4_0, q4_1, q5_0, q5_1) types on hand-built
// blocks: bytes written from the layout, values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "gguf/ggml_blocks.h"
#include "ggml_codec_fixtures.h"

namespace {

using namespace aqtest::ggml;

TEST(GgmlDecode, Q8_0Ramp) {
  aq::gguf::BlockQ8_0 b{};
  b.d = kH025;
  for (int i = 0; i < 32; ++i) b.qs[i] = int8_t(4 * (i - 16));  // -64 .. 60
  const auto y = decode(GgmlType::Q8_0, &b, 32);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(y[i], float(i - 16)) << i;
  b.qs[0] = -128;
  b.qs[1] = 127;
  const auto z = decode(GgmlType::Q8_0, &b, 32);
  EXPECT_EQ(z[0], -32.0f);
  EXPECT_EQ(z[1], 31.75f);
}

TEST(GgmlDecode, Q4_0Nibbles) {
  aq::gguf::BlockQ4_0 b{};
  b.d = kH05;
  for (int j = 0; j < 16; ++j) b.qs[j] = uint8_t(j | ((15 - j) << 4));
  const auto y = decode(GgmlType::Q4_0, &b, 32);
  for (int j = 0; j < 16; ++j) {
    EXPECT_EQ(y[j], 0.5f * float(j - 8)) << j;            // low nibble of byte j: element j
    EXPECT_EQ(y[j + 16], 0.5f * float(7 - j)) << j + 16;  // high nibble: element j + 16
  }
  EXPECT_EQ(y[0], -4.0f);
  EXPECT_EQ(y[16], 3.5f);
}

TEST(GgmlDecode, Q4_1ScaleAndOffset) {
  aq::gguf::BlockQ4_1 b{};
  b.d = kH05;
  b.m = kHm1;
  for (int j = 0; j < 16; ++j) b.qs[j] = uint8_t(j | (15 << 4));
  const auto y = decode(GgmlType::Q4_1, &b, 32);
  for (int j = 0; j < 16; ++j) {
    EXPECT_EQ(y[j], 0.5f * float(j) - 1.0f);
    EXPECT_EQ(y[j + 16], 6.5f);
  }
}

TEST(GgmlDecode, Q5_0HighBits) {
  aq::gguf::BlockQ5_0 b{};
  b.d = kH025;
  const uint32_t qh = 0xffff0000u;  // bit e = fifth bit of element e: set for 16..31
  std::memcpy(b.qh, &qh, 4);
  for (int j = 0; j < 16; ++j) b.qs[j] = uint8_t(j | (j << 4));
  const auto y = decode(GgmlType::Q5_0, &b, 32);
  for (int j = 0; j < 16; ++j) {
    EXPECT_EQ(y[j], 0.25f * float(j - 16)) << j;  // code j
    EXPECT_EQ(y[j + 16], 0.25f * float(j)) << j;  // code j + 16
  }
  // A single bit: element 3's fifth bit.
  const uint32_t one = 1u << 3;
  std::memcpy(b.qh, &one, 4);
  const auto z = decode(GgmlType::Q5_0, &b, 32);
  EXPECT_EQ(z[3], 0.25f * float(3 + 16 - 16));
  EXPECT_EQ(z[19], 0.25f * float(3 - 16));
}

TEST(GgmlDecode, Q5_1HighBits) {
  aq::gguf::BlockQ5_1 b{};
  b.d = kH1;
  b.m = kH05;
  const uint32_t qh = 0x0000ffffu;
  std::memcpy(b.qh, &qh, 4);
  for (int j = 0; j < 16; ++j) b.qs[j] = uint8_t(15 | (j << 4));
  const auto y = decode(GgmlType::Q5_1, &b, 32);
  for (int j = 0; j < 16; ++j) {
    EXPECT_EQ(y[j], 31.5f);
    EXPECT_EQ(y[j + 16], float(j) + 0.5f);
  }
}

TEST(GgmlDecode, PlainTypes) {
  const uint16_t h[4] = {0x3c00, 0xc000, 0x0001, 0x7c00};
  const auto f = decode(GgmlType::F16, h, 4);
  EXPECT_EQ(f[0], 1.0f);
  EXPECT_EQ(f[1], -2.0f);
  EXPECT_EQ(f[2], std::ldexp(1.0f, -24));
  EXPECT_TRUE(std::isinf(f[3]));
  const uint16_t s = 0x7c01;  // signalling NaN comes out quiet, payload kept (as in ggml)
  const auto n = decode(GgmlType::F16, &s, 1);
  uint32_t bits;
  std::memcpy(&bits, n.data(), 4);
  EXPECT_EQ(bits, 0x7fc02000u);
  const uint16_t b[2] = {0x3f80, 0xc0a0};
  const auto g = decode(GgmlType::BF16, b, 2);
  EXPECT_EQ(g[0], 1.0f);
  EXPECT_EQ(g[1], -5.0f);
}

}  // namespace
