// Never worse than plain ggml-style encoders written from the format definition: the scale
// from the block's range, codes by rounding (ggml's reference quantizers for the legacy types;
// the K types with min/max sub-block ranges and d = largest sub-block scale / max code).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "gguf/ggml_blocks.h"
#include "tensor/half.h"
#include "ggml_codec_fixtures.h"

namespace {

using namespace aqtest::ggml;

int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
int nearest(float v) { return int(std::lround(v)); }

/// q5_0 and q5_1's code layout: the low nibbles of codes j and j + 16 share qs[j], the fifth
/// bits go to bits j and j + 16 of qh.
void pack_5bit(const int* c, uint8_t* qs, uint8_t* qh_bytes) {
  uint32_t qh = 0;
  for (int j = 0; j < 16; ++j) {
    qs[j] = uint8_t((c[j] & 15) | ((c[j + 16] & 15) << 4));
    qh |= uint32_t(c[j] >> 4) << j | uint32_t(c[j + 16] >> 4) << (j + 16);
  }
  std::memcpy(qh_bytes, &qh, 4);
}

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
        pack_5bit(c, b.qs, b.qh);
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
        pack_5bit(c, b.qs, b.qh);
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

}  // namespace
