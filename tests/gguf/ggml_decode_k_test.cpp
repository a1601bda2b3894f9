// Decoders of the K types (q2_k, q3_k, q4_k, q5_k, q6_k) on hand-built blocks: bytes written from
// the layout, values worked out by hand.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "gguf/ggml_blocks.h"
#include "ggml_codec_fixtures.h"

namespace {

using namespace aqtest::ggml;

TEST(GgmlDecode, Q2_KHandSet) {
  aq::gguf::BlockQ2_K b{};
  b.d = kH1;
  b.dmin = kH05;
  for (int s = 0; s < 16; ++s) b.scales[s] = uint8_t((s + 1) | ((s % 16) << 4));  // sc = s + 1, m = s
  b.qs[0] = 0b11100100;  // l = 0, h = 0: codes 0, 1, 2, 3 for elements 0, 32, 64, 96
  b.qs[32 + 5] = 0b00000011;  // h = 1, l = 5, j = 0: element 133 (sub-block 8) code 3
  const auto y = decode(GgmlType::Q2_K, &b, 256);
  EXPECT_EQ(y[0], 0.0f);            // 1 * 0 - 0.5 * 0
  EXPECT_EQ(y[32], 2.0f);           // 3 * 1 - 0.5 * 2
  EXPECT_EQ(y[64], 8.0f);           // 5 * 2 - 0.5 * 4
  EXPECT_EQ(y[96], 18.0f);          // 7 * 3 - 0.5 * 6
  EXPECT_EQ(y[133], 27.0f - 4.0f);  // 9 * 3 - 0.5 * 8
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_EQ(y[17], -0.5f);          // sub-block 1, code 0
  EXPECT_EQ(y[255], -7.5f);         // sub-block 15, code 0
}

TEST(GgmlDecode, Q3_KHandSet) {
  aq::gguf::BlockQ3_K b{};
  b.d = kH1;
  // Every 6-bit scale code 33 (sc = +1): low nibbles 1, high bits 2 (0b10) in bytes 8..11...
  for (int i = 0; i < 8; ++i) b.scales[i] = 0x11;
  for (int i = 8; i < 12; ++i) b.scales[i] = 0xAA;
  // ... except sub-block 0: code 0 (sc = -32).
  b.scales[0] = 0x10;
  b.scales[8] = 0xA8;
  b.qs[0] = 0b11100100;  // low 2 bits 0, 1, 2, 3 for elements 0, 32, 64, 96
  b.hmask[1] = 0x01;     // element 1: high bit set (h = 0, j = 0)
  b.hmask[2] = 0x10;     // element 130: bit 4 = (h = 1, j = 0)
  b.qs[32 + 2] = 0x02;   // element 130 low bits 2
  const auto y = decode(GgmlType::Q3_K, &b, 256);
  EXPECT_EQ(y[0], 128.0f);   // -32 * (0 - 4)
  EXPECT_EQ(y[1], 0.0f);     // -32 * (0 - 0)
  EXPECT_EQ(y[2], 128.0f);
  EXPECT_EQ(y[16], -4.0f);   // sub-block 1: 1 * (0 - 4)
  EXPECT_EQ(y[32], -3.0f);
  EXPECT_EQ(y[64], -2.0f);
  EXPECT_EQ(y[96], -1.0f);
  EXPECT_EQ(y[130], 2.0f);   // 1 * (2 - 0)
  EXPECT_EQ(y[255], -4.0f);
}

void set_k4_scales(uint8_t* q) {  // sc = 1, 2, 3, 4, 5, 6, 7, 63; m = 0, 2, 4, ..., 14
  const uint8_t v[12] = {1, 2, 3, 4 | (3 << 6), 0, 2, 4, 6, 0x85, 0xA6, 0xC7, 0xEF};
  std::memcpy(q, v, 12);
}

TEST(GgmlDecode, Q4_KHandSet) {
  aq::gguf::BlockQ4_K b{};
  b.d = kH1;
  b.dmin = kH05;
  set_k4_scales(b.scales);
  b.qs[0] = 0x5A;   // element 0 code 10 (sub-block 0), element 32 code 5 (sub-block 1)
  b.qs[96] = 0x3F;  // element 192 code 15 (sub-block 6), element 224 code 3 (sub-block 7)
  const auto y = decode(GgmlType::Q4_K, &b, 256);
  EXPECT_EQ(y[0], 10.0f);
  EXPECT_EQ(y[32], 9.0f);              // 2 * 5 - 0.5 * 2
  EXPECT_EQ(y[192], 99.0f);            // 7 * 15 - 0.5 * 12
  EXPECT_EQ(y[224], 182.0f);           // 63 * 3 - 0.5 * 14
  EXPECT_EQ(y[100], -0.5f * 6.0f);     // sub-block 3, code 0
  EXPECT_EQ(y[150], -0.5f * 8.0f);     // sub-block 4, code 0
}

TEST(GgmlDecode, Q5_KHandSet) {
  aq::gguf::BlockQ5_K b{};
  b.d = kH1;
  b.dmin = kH05;
  set_k4_scales(b.scales);
  b.qs[0] = 0x5A;
  b.qs[96] = 0x3F;
  b.qh[0] = 0x81;  // fifth bit of element 0 (bit 0: sub-block 0) and element 224 (bit 7)
  b.qh[4] = 0x04;  // element 64 + 4 = 68 (bit 2: sub-block 2), code 16
  const auto y = decode(GgmlType::Q5_K, &b, 256);
  EXPECT_EQ(y[0], 26.0f);
  EXPECT_EQ(y[32], 9.0f);
  EXPECT_EQ(y[224], 63.0f * 19.0f - 7.0f);
  EXPECT_EQ(y[68], 3.0f * 16.0f - 2.0f);
}

TEST(GgmlDecode, Q6_KHandSet) {
  aq::gguf::BlockQ6_K b{};
  b.d = kH05;
  for (int s = 0; s < 16; ++s) b.scales[s] = int8_t(s - 8);
  b.ql[0] = 0x21;        // element 0 low 1, element 64 low 2
  b.qh[0] = 0b11100100;  // high bits: element 0: 0, 32: 1, 64: 2, 96: 3
  b.ql[64 + 32 + 7] = 0x90;  // h = 1, l = 7: element 128 + 96 + 7 = 231 low 9 (high nibble)
  const auto y = decode(GgmlType::Q6_K, &b, 256);
  EXPECT_EQ(y[0], 124.0f);   // code 1 -> q -31, scale -8: (0.5 * -8) * -31
  EXPECT_EQ(y[32], 48.0f);   // code 16 -> q -16, scale -6
  EXPECT_EQ(y[64], -4.0f);   // code 34 -> q 2, scale -4
  EXPECT_EQ(y[96], -16.0f);  // code 48 -> q 16, scale -2
  EXPECT_EQ(y[231], (0.5f * 6.0f) * float(9 - 32));  // sub-block 14, scale 6
  EXPECT_EQ(y[1], (0.5f * -8.0f) * -32.0f);
}

}  // namespace
