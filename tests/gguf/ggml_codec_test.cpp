// The ggml block codecs (core/gguf): the type table, hand-built blocks against the decoders,
// round trips, our encoders against plain "ggml-style" encoders written here from the format's
// definition, weights, special values and buffer bounds. Bit-exactness with ggml's own decoders
// was checked outside CI against a ggml build (docs/GGUF_TYPES.md, "Verification").
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gguf/ggml_blocks.h"
#include "gguf/ggml_types.h"
#include "tensor/half.h"

namespace {

using aq::gguf::GgmlType;
using aq::gguf::TypeTraits;

const TypeTraits& type(GgmlType t) {
  const TypeTraits* p = aq::gguf::find_type(t);
  EXPECT_NE(p, nullptr);
  return *p;
}

std::vector<float> decode(GgmlType t, const void* blocks, int64_t n) {
  std::vector<float> y(static_cast<std::size_t>(n), -12345.f);
  type(t).dequantize(blocks, n, y.data());
  return y;
}

template <class Block>
std::vector<uint8_t> bytes_of(const Block& b) {
  std::vector<uint8_t> v(sizeof b);
  std::memcpy(v.data(), &b, sizeof b);
  return v;
}

const GgmlType kCoded[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q8_0, GgmlType::Q6_K,
                           GgmlType::Q5_1, GgmlType::Q5_0, GgmlType::Q5_K, GgmlType::Q4_1, GgmlType::Q4_0,
                           GgmlType::Q4_K, GgmlType::Q3_K, GgmlType::Q2_K};
const GgmlType kQuantized[] = {GgmlType::Q8_0, GgmlType::Q6_K, GgmlType::Q5_1, GgmlType::Q5_0, GgmlType::Q5_K,
                               GgmlType::Q4_1, GgmlType::Q4_0, GgmlType::Q4_K, GgmlType::Q3_K, GgmlType::Q2_K};

std::string name(GgmlType t) { return std::string(type(t).name); }

// ---------------------------------------------------------------------------------------------
// The table

TEST(GgmlTypes, TableMatchesBlockStructs) {
  using namespace aq::gguf;
  struct Want { GgmlType t; const char* name; int bs, ts; };
  const Want want[] = {{GgmlType::F32, "f32", 1, 4},     {GgmlType::F16, "f16", 1, 2},
                       {GgmlType::BF16, "bf16", 1, 2},   {GgmlType::Q8_0, "q8_0", 32, int(sizeof(BlockQ8_0))},
                       {GgmlType::Q4_0, "q4_0", 32, 18}, {GgmlType::Q4_1, "q4_1", 32, 20},
                       {GgmlType::Q5_0, "q5_0", 32, 22}, {GgmlType::Q5_1, "q5_1", 32, 24},
                       {GgmlType::Q2_K, "q2_k", 256, 84}, {GgmlType::Q3_K, "q3_k", 256, 110},
                       {GgmlType::Q4_K, "q4_k", 256, 144}, {GgmlType::Q5_K, "q5_k", 256, 176},
                       {GgmlType::Q6_K, "q6_k", 256, 210}};
  for (const auto& w : want) {
    const TypeTraits* t = find_type(w.t);
    ASSERT_NE(t, nullptr) << w.name;
    EXPECT_EQ(t->name, w.name);
    EXPECT_EQ(t->block_size, w.bs) << w.name;
    EXPECT_EQ(t->type_size, w.ts) << w.name;
    EXPECT_EQ(t->quantized, w.bs > 1) << w.name;
    EXPECT_NE(t->quantize, nullptr) << w.name;
    EXPECT_NE(t->dequantize, nullptr) << w.name;
    EXPECT_EQ(find_type(w.name), t);
  }
  EXPECT_EQ(find_type("Q4_K"), find_type(GgmlType::Q4_K));
  EXPECT_EQ(find_type("BF16"), find_type(GgmlType::BF16));
  EXPECT_EQ(find_type("q4_2"), nullptr);
  EXPECT_EQ(find_type(""), nullptr);
  EXPECT_EQ(find_type(GgmlType(9)), nullptr);  // q8_1: ggml-internal, never in a file we write
  EXPECT_EQ(row_bytes(*find_type(GgmlType::Q4_K), 4096), 16u * 144u);
  EXPECT_EQ(row_bytes(*find_type(GgmlType::F16), 7), 14u);
  EXPECT_EQ(uint32_t(GgmlType::Q6_K), 14u);
  EXPECT_EQ(uint32_t(GgmlType::BF16), 30u);
  // Quantized rows come by bits per weight, largest first.
  double last = 1e9;
  for (const auto& t : ggml_types()) {
    if (!t.quantized) continue;
    const double bpw = 8.0 * t.type_size / t.block_size;
    EXPECT_LE(bpw, last) << t.name;
    last = bpw;
  }
}

// ---------------------------------------------------------------------------------------------
// (a) Hand-built blocks: bytes written from the layout, values worked out by hand.

constexpr uint16_t kH025 = 0x3400, kH05 = 0x3800, kH1 = 0x3c00, kHm1 = 0xbc00;

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

// ---------------------------------------------------------------------------------------------
// Test data

std::vector<float> gaussian(int64_t n, uint64_t seed, float sd = 0.02f) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, sd);
  std::vector<float> x(static_cast<std::size_t>(n));
  for (auto& v : x) v = nd(rng);
  return x;
}

/// Student-t (4 dof) scaled to std sd, 0.1% outliers at +-20 sd.
std::vector<float> heavy(int64_t n, uint64_t seed, float sd = 0.02f) {
  std::mt19937_64 rng(seed);
  std::student_t_distribution<double> t4(4.0);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<float> x(static_cast<std::size_t>(n));
  for (auto& v : x) v = float(t4(rng) * sd / std::sqrt(2.0));
  for (auto& v : x)
    if (u(rng) < 0.001) v = (rng() & 1) ? 20 * sd : -20 * sd;
  return x;
}

std::vector<float> round_trip(GgmlType t, const std::vector<float>& x, const float* w = nullptr) {
  const auto& tr = type(t);
  std::vector<uint8_t> q(aq::gguf::row_bytes(tr, int64_t(x.size())));
  tr.quantize(x.data(), int64_t(x.size()), q.data(), w);
  return decode(t, q.data(), int64_t(x.size()));
}

double sqnr_db(const std::vector<float>& x, const std::vector<float>& y) {
  double s = 0, e = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    s += double(x[i]) * x[i];
    e += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
  }
  return e == 0 ? 999.0 : 10 * std::log10(s / e);
}

// ---------------------------------------------------------------------------------------------
// (b) Round trips

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
// (c) Never worse than plain ggml-style encoders written from the format definition: the scale
// from the block's range, codes by rounding (ggml's reference quantizers for the legacy types;
// the K types with min/max sub-block ranges and d = largest sub-block scale / max code).

int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
int nearest(float v) { return int(std::lround(v)); }

/// Writes the baseline's blocks for x (one block of the type) into `out`.
void baseline_encode(GgmlType t, const float* x, uint8_t* out) {
  using namespace aq::gguf;
  switch (t) {
    case GgmlType::Q8_0: {
      BlockQ8_0 b{};
      float amax = 0;
      for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(x[i]));
      const float d = amax / 127, id = d ? 1 / d : 0;
      b.d = aq::f32_to_fp16(d);
      for (int i = 0; i < 32; ++i) b.qs[i] = int8_t(nearest(x[i] * id));
      std::memcpy(out, &b, sizeof b);
      return;
    }
    case GgmlType::Q4_0:
    case GgmlType::Q5_0: {
      const int Q = t == GgmlType::Q4_0 ? 8 : 16;
      float amax = 0, max = 0;
      for (int i = 0; i < 32; ++i)
        if (std::fabs(x[i]) > amax) { amax = std::fabs(x[i]); max = x[i]; }
      const float d = max / float(-Q), id = d ? 1 / d : 0;
      int c[32];
      for (int i = 0; i < 32; ++i) c[i] = std::min(2 * Q - 1, int(x[i] * id + float(Q) + 0.5f));
      if (t == GgmlType::Q4_0) {
        BlockQ4_0 b{};
        b.d = aq::f32_to_fp16(d);
        for (int j = 0; j < 16; ++j) b.qs[j] = uint8_t(c[j] | (c[j + 16] << 4));
        std::memcpy(out, &b, sizeof b);
      } else {
        BlockQ5_0 b{};
        b.d = aq::f32_to_fp16(d);
        uint32_t qh = 0;
        for (int j = 0; j < 16; ++j) {
          b.qs[j] = uint8_t((c[j] & 15) | ((c[j + 16] & 15) << 4));
          qh |= uint32_t(c[j] >> 4) << j | uint32_t(c[j + 16] >> 4) << (j + 16);
        }
        std::memcpy(b.qh, &qh, 4);
        std::memcpy(out, &b, sizeof b);
      }
      return;
    }
    case GgmlType::Q4_1:
    case GgmlType::Q5_1: {
      const int N = t == GgmlType::Q4_1 ? 15 : 31;
      float lo = x[0], hi = x[0];
      for (int i = 0; i < 32; ++i) { lo = std::min(lo, x[i]); hi = std::max(hi, x[i]); }
      const float d = (hi - lo) / float(N), id = d ? 1 / d : 0;
      int c[32];
      for (int i = 0; i < 32; ++i) c[i] = std::min(N, int((x[i] - lo) * id + 0.5f));
      if (t == GgmlType::Q4_1) {
        BlockQ4_1 b{};
        b.d = aq::f32_to_fp16(d);
        b.m = aq::f32_to_fp16(lo);
        for (int j = 0; j < 16; ++j) b.qs[j] = uint8_t(c[j] | (c[j + 16] << 4));
        std::memcpy(out, &b, sizeof b);
      } else {
        BlockQ5_1 b{};
        b.d = aq::f32_to_fp16(d);
        b.m = aq::f32_to_fp16(lo);
        uint32_t qh = 0;
        for (int j = 0; j < 16; ++j) {
          b.qs[j] = uint8_t((c[j] & 15) | ((c[j + 16] & 15) << 4));
          qh |= uint32_t(c[j] >> 4) << j | uint32_t(c[j + 16] >> 4) << (j + 16);
        }
        std::memcpy(b.qh, &qh, 4);
        std::memcpy(out, &b, sizeof b);
      }
      return;
    }
    case GgmlType::Q2_K:
    case GgmlType::Q4_K:
    case GgmlType::Q5_K: {
      const int sub = t == GgmlType::Q2_K ? 16 : 32, ns = 256 / sub;
      const int N = t == GgmlType::Q2_K ? 3 : t == GgmlType::Q4_K ? 15 : 31;
      const int smax = t == GgmlType::Q2_K ? 15 : 63;
      float sc[16], mn[16], ms = 0, mm = 0;
      for (int s = 0; s < ns; ++s) {
        float lo = 0, hi = x[s * sub];
        for (int i = 0; i < sub; ++i) { lo = std::min(lo, x[s * sub + i]); hi = std::max(hi, x[s * sub + i]); }
        sc[s] = (hi - lo) / float(N);
        mn[s] = -lo;
        ms = std::max(ms, sc[s]);
        mm = std::max(mm, mn[s]);
      }
      const uint16_t hd = aq::f32_to_fp16(ms / float(smax)), hm = aq::f32_to_fp16(mm / float(smax));
      const float D = aq::fp16_to_f32(hd), M = aq::fp16_to_f32(hm);
      int isc[16], im[16], c[256];
      for (int s = 0; s < ns; ++s) {
        isc[s] = D > 0 ? clampi(nearest(sc[s] / D), 0, smax) : 0;
        im[s] = M > 0 ? clampi(nearest(mn[s] / M), 0, smax) : 0;
        const float S = D * float(isc[s]), Mv = M * float(im[s]);
        for (int i = 0; i < sub; ++i) c[s * sub + i] = S > 0 ? clampi(nearest((x[s * sub + i] + Mv) / S), 0, N) : 0;
      }
      if (t == GgmlType::Q2_K) {
        BlockQ2_K b{};
        b.d = hd;
        b.dmin = hm;
        for (int s = 0; s < 16; ++s) b.scales[s] = uint8_t(isc[s] | (im[s] << 4));
        for (int e = 0; e < 256; ++e) b.qs[32 * (e / 128) + e % 32] |= uint8_t(c[e] << (2 * ((e % 128) / 32)));
        std::memcpy(out, &b, sizeof b);
      } else {
        uint8_t scales[12] = {};
        for (int j = 0; j < 8; ++j) {
          if (j < 4) {
            scales[j] |= uint8_t(isc[j]);
            scales[j + 4] |= uint8_t(im[j]);
          } else {
            scales[j + 4] = uint8_t((isc[j] & 15) | ((im[j] & 15) << 4));
            scales[j - 4] |= uint8_t((isc[j] >> 4) << 6);
            scales[j] |= uint8_t((im[j] >> 4) << 6);
          }
        }
        if (t == GgmlType::Q4_K) {
          BlockQ4_K b{};
          b.d = hd;
          b.dmin = hm;
          std::memcpy(b.scales, scales, 12);
          for (int e = 0; e < 256; ++e) b.qs[32 * (e / 64) + e % 32] |= uint8_t(c[e] << (e % 64 >= 32 ? 4 : 0));
          std::memcpy(out, &b, sizeof b);
        } else {
          BlockQ5_K b{};
          b.d = hd;
          b.dmin = hm;
          std::memcpy(b.scales, scales, 12);
          for (int e = 0; e < 256; ++e) {
            b.qs[32 * (e / 64) + e % 32] |= uint8_t((c[e] & 15) << (e % 64 >= 32 ? 4 : 0));
            b.qh[e % 32] |= uint8_t((c[e] >> 4) << (e / 32));
          }
          std::memcpy(out, &b, sizeof b);
        }
      }
      return;
    }
    case GgmlType::Q3_K:
    case GgmlType::Q6_K: {
      const int Q = t == GgmlType::Q3_K ? 4 : 32, T = t == GgmlType::Q3_K ? 32 : 128;
      float s16[16], amax_s = 0, max_s = 0;
      for (int s = 0; s < 16; ++s) {
        float amax = 0, max = 0;
        for (int i = 0; i < 16; ++i)
          if (std::fabs(x[16 * s + i]) > amax) { amax = std::fabs(x[16 * s + i]); max = x[16 * s + i]; }
        s16[s] = max / float(-Q);
        if (std::fabs(s16[s]) > amax_s) { amax_s = std::fabs(s16[s]); max_s = s16[s]; }
      }
      const uint16_t hd = aq::f32_to_fp16(max_s / float(-T));
      const float D = aq::fp16_to_f32(hd);
      int isc[16], q[256];
      for (int s = 0; s < 16; ++s) {
        isc[s] = D != 0 ? clampi(nearest(s16[s] / D), -T, T - 1) : 0;
        const float S = D * float(isc[s]);
        for (int i = 0; i < 16; ++i) q[16 * s + i] = S != 0 ? clampi(nearest(x[16 * s + i] / S), -Q, Q - 1) : 0;
      }
      if (t == GgmlType::Q3_K) {
        BlockQ3_K b{};
        b.d = hd;
        for (int s = 0; s < 16; ++s) {
          const int u = isc[s] + 32;
          b.scales[s % 8] |= uint8_t((u & 15) << (s < 8 ? 0 : 4));
          b.scales[8 + s % 4] |= uint8_t((u >> 4) << (2 * (s / 4)));
        }
        for (int e = 0; e < 256; ++e) {
          const int u = q[e] + 4, h = e / 128, j = (e % 128) / 32, l = e % 32;
          b.qs[32 * h + l] |= uint8_t((u & 3) << (2 * j));
          if (u >= 4) b.hmask[l] |= uint8_t(1 << (4 * h + j));
        }
        std::memcpy(out, &b, sizeof b);
      } else {
        BlockQ6_K b{};
        b.d = hd;
        for (int s = 0; s < 16; ++s) b.scales[s] = int8_t(isc[s]);
        for (int e = 0; e < 256; ++e) {
          const int u = q[e] + 32, h = e / 128, k = (e % 128) / 32, l = e % 32;
          b.ql[64 * h + 32 * (k % 2) + l] |= uint8_t((u & 15) << (k >= 2 ? 4 : 0));
          b.qh[32 * h + l] |= uint8_t((u >> 4) << (2 * k));
        }
        std::memcpy(out, &b, sizeof b);
      }
      return;
    }
    default:
      FAIL() << "no baseline for " << name(t);
  }
}

double block_error(const float* x, const float* y, int n, const float* w = nullptr) {
  double e = 0;
  for (int i = 0; i < n; ++i) e += (w ? w[i] : 1.0) * (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
  return e;
}

TEST(GgmlEncode, NeverWorseThanPlainBaselinePerBlock) {
  for (GgmlType t : kQuantized) {
    const auto& tr = type(t);
    const int bs = tr.block_size;
    const int64_t blocks = bs == 32 ? 4096 : 1024;
    for (int data = 0; data < 3; ++data) {
      std::vector<float> x = data == 0 ? gaussian(blocks * bs, 10 + uint64_t(t))
                             : data == 1 ? heavy(blocks * bs, 20 + uint64_t(t))
                                         : gaussian(blocks * bs, 30 + uint64_t(t), 1.0f);
      if (data == 2)  // uniform-ish scales per block, some all-positive and all-negative blocks
        for (int64_t b = 0; b < blocks; ++b)
          for (int i = 0; i < bs; ++i) {
            float& v = x[std::size_t(b * bs + i)];
            v = b % 5 == 0 ? std::fabs(v) : b % 5 == 1 ? -std::fabs(v) : v * float(1 + b % 7) * 0.01f;
          }
      std::vector<uint8_t> ours(aq::gguf::row_bytes(tr, int64_t(x.size()))), base(ours.size());
      tr.quantize(x.data(), int64_t(x.size()), ours.data(), nullptr);
      for (int64_t b = 0; b < blocks; ++b) baseline_encode(t, x.data() + b * bs, base.data() + b * tr.type_size);
      const auto yo = decode(t, ours.data(), int64_t(x.size())), yb = decode(t, base.data(), int64_t(x.size()));
      int worse = 0;
      double eo_sum = 0, eb_sum = 0;
      for (int64_t b = 0; b < blocks; ++b) {
        const double eo = block_error(x.data() + b * bs, yo.data() + b * bs, bs);
        const double eb = block_error(x.data() + b * bs, yb.data() + b * bs, bs);
        eo_sum += eo;
        eb_sum += eb;
        // 1e-6 relative: float sums in the encoder's candidate comparisons.
        if (eo > eb * (1 + 1e-6) + 1e-30) ++worse;
      }
      EXPECT_EQ(worse, 0) << name(t) << " data " << data;
      EXPECT_LT(eo_sum, eb_sum) << name(t) << " data " << data;
    }
  }
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

// ---------------------------------------------------------------------------------------------
// (d) Bounds: decoders read n / block_size blocks and write n floats; encoders write
// n / block_size blocks. Exactly sized heap buffers (AddressSanitizer) plus sentinels.

TEST(GgmlCodec, StaysInsideItsBuffers) {
  std::mt19937 rng(9);
  for (GgmlType t : kCoded) {
    const auto& tr = type(t);
    for (int blocks : {1, 2, 3, 17}) {
      const int64_t n = int64_t(blocks) * tr.block_size;
      const std::size_t nbytes = aq::gguf::row_bytes(tr, n);
      // Decoder: random block bytes, exactly sized; output with sentinels on both sides.
      std::vector<uint8_t> in(nbytes);
      for (auto& b : in) b = uint8_t(rng());
      std::vector<float> out(std::size_t(n) + 16, 7.0f);
      tr.dequantize(in.data(), n, out.data() + 8);
      for (int i = 0; i < 8; ++i) {
        EXPECT_EQ(out[std::size_t(i)], 7.0f) << name(t);
        EXPECT_EQ(out[std::size_t(n) + 8 + std::size_t(i)], 7.0f) << name(t);
      }
      // Encoder: exactly sized input and weights; output with sentinels.
      const auto x = gaussian(n, uint64_t(blocks));
      const std::vector<float> w(std::size_t(n), 0.5f);
      std::vector<uint8_t> q(nbytes + 32, 0xa5);
      tr.quantize(x.data(), n, q.data() + 16, w.data());
      tr.quantize(x.data(), n, q.data() + 16, nullptr);
      for (int i = 0; i < 16; ++i) {
        EXPECT_EQ(q[std::size_t(i)], 0xa5) << name(t);
        EXPECT_EQ(q[nbytes + 16 + std::size_t(i)], 0xa5) << name(t);
      }
      // Unaligned block pointers are fine (blocks are memcpy'd).
      std::vector<uint8_t> un(nbytes + 1);
      std::memcpy(un.data() + 1, q.data() + 16, nbytes);
      std::vector<float> y1(static_cast<std::size_t>(n)), y2(static_cast<std::size_t>(n));
      tr.dequantize(un.data() + 1, n, y1.data());
      tr.dequantize(q.data() + 16, n, y2.data());
      EXPECT_EQ(y1, y2) << name(t);
    }
  }
}

TEST(GgmlCodec, EncodingIsDeterministic) {
  for (GgmlType t : kQuantized) {
    const auto x = heavy(4096, 5);
    EXPECT_EQ(round_trip(t, x), round_trip(t, x)) << name(t);
  }
}

}  // namespace
