// The symmetric K types' block packing: q3_k and q6_k (value = (d * sc) * q, no min). The scales
// and codes come from encode_sym_k (codec_k_search.h); the decoders follow ggml's
// dequantize_row_* rule with the same float operations in the same order.
#include <cstring>

#include "gguf/codec_internal.h"
#include "gguf/codec_k_search.h"
#include "gguf/ggml_blocks.h"

namespace aq::gguf::codec {

// ---------------------------------------------------------------------------------------------
// q3_k

void quantize_q3_k(const float* x, int64_t n, void* out, const float* weights) {
  encode_blocks<BlockQ3_K, kQK_K>(x, n, out, weights, [](const float* bx, const float* w, BlockQ3_K& blk) {
    int sc[16];
    int8_t q[kQK_K];
    encode_sym_k<4, 32>(bx, w, blk.d, sc, q);
    std::memset(blk.scales, 0, 12);
    for (int s = 0; s < 16; ++s) {
      const int u = sc[s] + 32;  // 0..63
      if (s < 8) blk.scales[s] |= uint8_t(u & 0xF);
      else blk.scales[s - 8] |= uint8_t((u & 0xF) << 4);
      blk.scales[8 + s % 4] |= uint8_t((u >> 4) << (2 * (s / 4)));
    }
    std::memset(blk.hmask, 0, 32);
    std::memset(blk.qs, 0, 64);
    for (int e = 0; e < kQK_K; ++e) {
      const int u = q[e] + 4;  // 0..7
      const int h = e / 128, j = (e % 128) / 32, l = e % 32;
      blk.qs[32 * h + l] |= uint8_t((u & 3) << (2 * j));
      if (u >= 4) blk.hmask[l] |= uint8_t(1u << (4 * h + j));
    }
  });
}

void dequantize_q3_k(const void* in, int64_t n, float* out) {
  decode_blocks<BlockQ3_K, kQK_K>(in, n, out, [](const BlockQ3_K& blk, float* y) {
    const float d = half_to_f32(blk.d);
    for (int s = 0; s < 16; ++s) {
      const int lo4 = s < 8 ? (blk.scales[s] & 0xF) : (blk.scales[s - 8] >> 4);
      const int hi2 = (blk.scales[8 + s % 4] >> (2 * (s / 4))) & 3;
      const float dl = d * float((lo4 | (hi2 << 4)) - 32);
      for (int i = 0; i < 16; ++i) {
        const int e = 16 * s + i, h = e / 128, j = (e % 128) / 32, l = e % 32;
        const int low2 = (blk.qs[32 * h + l] >> (2 * j)) & 3;
        const int hbit = (blk.hmask[l] >> (4 * h + j)) & 1;
        y[e] = dl * float(low2 - (hbit ? 0 : 4));
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// q6_k

void quantize_q6_k(const float* x, int64_t n, void* out, const float* weights) {
  encode_blocks<BlockQ6_K, kQK_K>(x, n, out, weights, [](const float* bx, const float* w, BlockQ6_K& blk) {
    int sc[16];
    int8_t q[kQK_K];
    encode_sym_k<32, 128>(bx, w, blk.d, sc, q);
    for (int s = 0; s < 16; ++s) blk.scales[s] = int8_t(sc[s]);
    std::memset(blk.ql, 0, 128);
    std::memset(blk.qh, 0, 64);
    for (int e = 0; e < kQK_K; ++e) {
      const int u = q[e] + 32;  // 0..63
      const int h = e / 128, k = (e % 128) / 32, l = e % 32;
      blk.ql[64 * h + 32 * (k % 2) + l] |= uint8_t((u & 0xF) << (k >= 2 ? 4 : 0));
      blk.qh[32 * h + l] |= uint8_t((u >> 4) << (2 * k));
    }
  });
}

void dequantize_q6_k(const void* in, int64_t n, float* out) {
  decode_blocks<BlockQ6_K, kQK_K>(in, n, out, [](const BlockQ6_K& blk, float* y) {
    const float d = half_to_f32(blk.d);
    for (int e = 0; e < kQK_K; ++e) {
      const int h = e / 128, k = (e % 128) / 32, l = e % 32;
      const int lo = (blk.ql[64 * h + 32 * (k % 2) + l] >> (k >= 2 ? 4 : 0)) & 0xF;
      const int hi = (blk.qh[32 * h + l] >> (2 * k)) & 3;
      y[e] = (d * float(blk.scales[e / 16])) * float((lo | (hi << 4)) - 32);
    }
  });
}

}  // namespace aq::gguf::codec
