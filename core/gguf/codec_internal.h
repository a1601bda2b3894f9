#pragma once
// Internal to core/gguf: the block codecs the type table (ggml_types.cpp) points at, and the
// small helpers they share. Decoders follow ggml's dequantize_row_* operation for operation (same
// float products in the same order, no fused multiply-add: core is built without -mfma and with
// -std=c++20, i.e. -ffp-contract=off), so they reproduce ggml's floats bit for bit.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "tensor/half.h"

namespace aq::gguf::codec {

// Signature of TypeTraits::quantize / dequantize.
#define AQ_GGUF_CODEC(name)                                                        \
  void quantize_##name(const float* x, int64_t n, void* out, const float* weights); \
  void dequantize_##name(const void* in, int64_t n, float* out);

AQ_GGUF_CODEC(f32)
AQ_GGUF_CODEC(f16)
AQ_GGUF_CODEC(bf16)
AQ_GGUF_CODEC(q8_0)
AQ_GGUF_CODEC(q4_0)
AQ_GGUF_CODEC(q4_1)
AQ_GGUF_CODEC(q5_0)
AQ_GGUF_CODEC(q5_1)
AQ_GGUF_CODEC(q2_k)
AQ_GGUF_CODEC(q3_k)
AQ_GGUF_CODEC(q4_k)
AQ_GGUF_CODEC(q5_k)
AQ_GGUF_CODEC(q6_k)
#undef AQ_GGUF_CODEC

/// fp16 -> float as ggml computes it: aq::fp16_to_f32, except that a signalling NaN comes out
/// quiet (ggml's conversion multiplies, which quiets it; the payload is kept).
inline float half_to_f32(uint16_t h) {
  const float f = fp16_to_f32(h);
  const uint32_t b = std::bit_cast<uint32_t>(f);
  if ((b & 0x7fffffffu) > 0x7f800000u) return std::bit_cast<float>(b | 0x00400000u);
  return f;
}

/// Round half to even for |v| < 2^22 (same trick as core/quant/range_search.h); vectorises.
inline float round_even(float v) {
  constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23
  return (v + kMagic) - kMagic;
}

/// Clamp to [lo, hi]; NaN gives lo (so a code converted to int is always in range).
inline float clampf(float v, float lo, float hi) { return !(v >= lo) ? lo : (v > hi ? hi : v); }

/// The smallest positive normal float: scales below it are treated as zero (their inverse would
/// overflow).
inline constexpr float kTinyScale = 1.17549435e-38f;

/// fp16 nearest, saturated to the largest finite fp16 (65504) instead of Inf.
inline uint16_t f32_to_fp16_sat(float v) {
  uint16_t h = f32_to_fp16(v);
  if ((h & 0x7fffu) >= 0x7c00u) h = uint16_t((h & 0x8000u) | 0x7bffu);
  return h;
}

/// Sum of 8 lanes in a fixed order: the searches keep 8 partial sums so the loops vectorise, and
/// every error must be summed the same way to compare candidates consistently.
inline float lane_sum8(const float* l) {
  return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

/// Weighted squared error of n values (a multiple of 8) at the symmetric scale S, codes chosen
/// nearest in [-Q, Q-1]: what the symmetric searches of the legacy and the K types minimise.
template <int Q>
float sym_weighted_error(const float* x, const float* w, int n, float S) {
  const float inv = std::fabs(S) >= kTinyScale ? 1.0f / S : 0.0f;
  float lane[8] = {};
  for (int i = 0; i < n; i += 8)
    for (int j = 0; j < 8; ++j) {
      const float q = clampf(round_even(x[i + j] * inv), float(-Q), float(Q - 1));
      const float e = x[i + j] - S * q;
      lane[j] += w[i + j] * e * e;
    }
  return lane_sum8(lane);
}

/// Weights of 1: what the encoders use when the caller passes none.
extern const float kUnitWeights[256];

/// The block loop every quantized type shares, as ggml has it: a row of n values is n / kValues
/// blocks, each copied out with memcpy (a row's blocks need not be aligned). `encode(x, w, blk)`
/// fills one block from its values and their weights (kUnitWeights when the caller gave none).
template <class Block, int kValues, class Encode>
void encode_blocks(const float* x, int64_t n, void* out, const float* weights, Encode encode) {
  static_assert(kValues <= 256, "kUnitWeights covers one block");
  auto* o = static_cast<uint8_t*>(out);
  for (int64_t b = 0; b < n / kValues; ++b) {
    Block blk;
    encode(x + b * kValues, weights ? weights + b * kValues : kUnitWeights, blk);
    std::memcpy(o + b * sizeof blk, &blk, sizeof blk);
  }
}

/// `decode(blk, y)` writes one block's kValues values to y.
template <class Block, int kValues, class Decode>
void decode_blocks(const void* in, int64_t n, float* out, Decode decode) {
  const auto* p = static_cast<const uint8_t*>(in);
  for (int64_t b = 0; b < n / kValues; ++b) {
    Block blk;
    std::memcpy(&blk, p + b * sizeof blk, sizeof blk);
    decode(static_cast<const Block&>(blk), out + b * kValues);
  }
}

}  // namespace aq::gguf::codec
