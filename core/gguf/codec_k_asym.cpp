// The asymmetric K types' block packing: q2_k, q4_k, q5_k (value = (d * sc) * c - (dmin * m)).
// The scales, mins and codes come from encode_asym_k (codec_k_search.h); the decoders follow
// ggml's dequantize_row_* rule with the same float operations in the same order.
#include <cstring>
#include <type_traits>

#include "gguf/codec_internal.h"
#include "gguf/codec_k_search.h"
#include "gguf/ggml_blocks.h"

namespace aq::gguf::codec {
namespace {

// 6-bit scale / min packing shared by q4_k and q5_k.
void pack_scales_k4(const int* sc, const int* m, uint8_t* q) {
  std::memset(q, 0, 12);
  for (int j = 0; j < 8; ++j) {
    const uint8_t ls = uint8_t(sc[j]), lm = uint8_t(m[j]);
    if (j < 4) {
      q[j] |= ls & 63;
      q[j + 4] |= lm & 63;
    } else {
      q[j + 4] = uint8_t((ls & 0xF) | ((lm & 0xF) << 4));
      q[j - 4] |= uint8_t((ls >> 4) << 6);
      q[j] |= uint8_t((lm >> 4) << 6);
    }
  }
}

inline void unpack_scale_k4(int j, const uint8_t* q, int& sc, int& m) {
  if (j < 4) {
    sc = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

// q4_k and q5_k are the same super-block (8 sub-blocks of 32, the 12 bytes of 6-bit scales and
// mins, the low 4 code bits in qs) except for q5_k's plane of fifth code bits, qh. One encoder and
// one decoder serve both; the qh plane is compiled in for q5_k only (if constexpr), so q4_k's
// loops carry no test for it.
template <class Block>
constexpr bool kHasQh = std::is_same_v<Block, BlockQ5_K>;

template <class Block>
void quantize_k4(const float* x, int64_t n, void* out, const float* weights) {
  constexpr bool kQh = kHasQh<Block>;
  encode_blocks<Block, kQK_K>(x, n, out, weights, [](const float* bx, const float* w, Block& blk) {
    int sc[8], m[8];
    uint8_t c[kQK_K];
    encode_asym_k<kQh ? 31 : 15, 32, 63>(bx, w, blk.d, blk.dmin, sc, m, c);
    pack_scales_k4(sc, m, blk.scales);
    if constexpr (kQh) std::memset(blk.qh, 0, 32);
    // Sub-blocks 2 p4 and 2 p4 + 1 share the bytes qs[32 p4 + l] (low and high nibble); their
    // fifth bits are bits 2 p4 and 2 p4 + 1 of qh[l].
    for (int p4 = 0; p4 < 4; ++p4)
      for (int l = 0; l < 32; ++l) {
        const int c0 = c[64 * p4 + l], c1 = c[64 * p4 + 32 + l];
        blk.qs[32 * p4 + l] = uint8_t((c0 & 0xF) | ((c1 & 0xF) << 4));
        if constexpr (kQh) blk.qh[l] |= uint8_t(((c0 >> 4) << (2 * p4)) | ((c1 >> 4) << (2 * p4 + 1)));
      }
  });
}

template <class Block>
void dequantize_k4(const void* in, int64_t n, float* out) {
  constexpr bool kQh = kHasQh<Block>;
  decode_blocks<Block, kQK_K>(in, n, out, [](const Block& blk, float* y) {
    const float d = half_to_f32(blk.d), dmin = half_to_f32(blk.dmin);
    for (int p4 = 0; p4 < 4; ++p4) {
      int sc, m;
      unpack_scale_k4(2 * p4, blk.scales, sc, m);
      const float d1 = d * float(sc), m1 = dmin * float(m);
      unpack_scale_k4(2 * p4 + 1, blk.scales, sc, m);
      const float d2 = d * float(sc), m2 = dmin * float(m);
      for (int l = 0; l < 32; ++l) {
        int c = blk.qs[32 * p4 + l] & 0xF;
        if constexpr (kQh) c += ((blk.qh[l] >> (2 * p4)) & 1) ? 16 : 0;
        y[64 * p4 + l] = d1 * float(c) - m1;
      }
      for (int l = 0; l < 32; ++l) {
        int c = blk.qs[32 * p4 + l] >> 4;
        if constexpr (kQh) c += ((blk.qh[l] >> (2 * p4 + 1)) & 1) ? 16 : 0;
        y[64 * p4 + 32 + l] = d2 * float(c) - m2;
      }
    }
  });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// q2_k

void quantize_q2_k(const float* x, int64_t n, void* out, const float* weights) {
  encode_blocks<BlockQ2_K, kQK_K>(x, n, out, weights, [](const float* bx, const float* w, BlockQ2_K& blk) {
    int sc[16], m[16];
    uint8_t c[kQK_K];
    encode_asym_k<3, 16, 15>(bx, w, blk.d, blk.dmin, sc, m, c);
    for (int s = 0; s < 16; ++s) blk.scales[s] = uint8_t(sc[s] | (m[s] << 4));
    for (int h = 0; h < 2; ++h)
      for (int l = 0; l < 32; ++l) {
        const uint8_t* cc = c + 128 * h + l;
        blk.qs[32 * h + l] = uint8_t(cc[0] | (cc[32] << 2) | (cc[64] << 4) | (cc[96] << 6));
      }
  });
}

void dequantize_q2_k(const void* in, int64_t n, float* out) {
  decode_blocks<BlockQ2_K, kQK_K>(in, n, out, [](const BlockQ2_K& blk, float* y) {
    const float d = half_to_f32(blk.d), dmin = half_to_f32(blk.dmin);
    for (int e = 0; e < kQK_K; ++e) {
      const int h = e / 128, j = (e % 128) / 32, l = e % 32;
      const uint8_t sc = blk.scales[e / 16];
      const float dl = d * float(sc & 0xF), ml = dmin * float(sc >> 4);
      y[e] = dl * float((blk.qs[32 * h + l] >> (2 * j)) & 3) - ml;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// q4_k, q5_k

void quantize_q4_k(const float* x, int64_t n, void* out, const float* weights) {
  quantize_k4<BlockQ4_K>(x, n, out, weights);
}
void dequantize_q4_k(const void* in, int64_t n, float* out) { dequantize_k4<BlockQ4_K>(in, n, out); }

void quantize_q5_k(const float* x, int64_t n, void* out, const float* weights) {
  quantize_k4<BlockQ5_K>(x, n, out, weights);
}
void dequantize_q5_k(const void* in, int64_t n, float* out) { dequantize_k4<BlockQ5_K>(in, n, out); }

}  // namespace aq::gguf::codec
