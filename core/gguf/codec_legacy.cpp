// The legacy block types: q8_0, q4_0, q5_0 (symmetric, one fp16 scale per 32 weights) and q4_1,
// q5_1 (scale and offset). Decoders: ggml's dequantize_row_* rule, same float operations.
// Encoders: a search over candidate scales (the first candidate is the scale ggml's reference
// quantizer picks), codes rounded on the decoder's exact grid (the stored fp16 scale, not the
// unrounded one), then least-squares refits. docs/GGUF_TYPES.md describes it.
#include <cmath>
#include <cstring>

#include "gguf/codec_internal.h"
#include "gguf/ggml_blocks.h"

namespace aq::gguf::codec {
namespace {

constexpr int kB = 32;  // weights per block

// ---------------------------------------------------------------------------------------------
// Symmetric: value = q * d, q in [-Q, Q-1] (q8_0: Q = 128; q4_0: 8; q5_0: 16).

template <int Q>
void sym_codes(const float* x, float dq, int* q) {
  const float inv = std::fabs(dq) >= kTinyScale ? 1.0f / dq : 0.0f;
  for (int i = 0; i < kB; ++i) q[i] = int(clampf(round_even(x[i] * inv), float(-Q), float(Q - 1)));
}

/// Shrink steps: candidate scales map the largest magnitude to -(Q + t) or to (Q - 1 + t).
template <int Q>
struct SymGrid {
  static constexpr int kSteps = Q >= 64 ? 4 : 14;
  static float step(int k) {
    if constexpr (Q >= 64) {
      return 0.25f * float(k);  // q8_0: the top level is what matters; the refit does the rest
    } else {
      return -0.5f + float(Q) * 0.05f * float(k);  // -0.5 .. +0.65 Q
    }
  }
};

template <int Q>
uint16_t encode_sym(const float* x, const float* w, int* q) {
  float amax = 0, max = 0;
  for (int i = 0; i < kB; ++i) {
    const float a = std::fabs(x[i]);
    if (a > amax) { amax = a; max = x[i]; }
  }
  if (!(amax >= kTinyScale) || !std::isfinite(amax)) {  // all (near) zero, or non-finite
    for (int i = 0; i < kB; ++i) q[i] = 0;
    return 0;
  }
  // Candidate 0: ggml's reference scale (q8_0: amax / 127; q4_0, q5_0: max / -Q).
  uint16_t best_h = f32_to_fp16_sat(Q >= 64 ? amax / float(Q - 1) : max / float(-Q));
  float best = sym_weighted_error<Q>(x, w, kB, half_to_f32(best_h));
  auto consider = [&](float d) {
    const uint16_t h = f32_to_fp16_sat(d);
    if (h == best_h) return;
    const float e = sym_weighted_error<Q>(x, w, kB, half_to_f32(h));
    if (e < best) { best = e; best_h = h; }
  };
  for (int k = 0; k < SymGrid<Q>::kSteps; ++k) {
    const float t = SymGrid<Q>::step(k);
    consider(max / -(float(Q) + t));
    consider(max / (float(Q - 1) + t));
  }
  // Least-squares refits: for fixed codes the best scale is sum(w x q) / sum(w q q); round it to
  // fp16 (and try its fp16 neighbours), recompute the codes, keep it when the error drops.
  for (int it = 0; it < 2; ++it) {
    sym_codes<Q>(x, half_to_f32(best_h), q);
    double sxq = 0, sqq = 0;
    for (int i = 0; i < kB; ++i) {
      sxq += double(w[i]) * double(x[i]) * q[i];
      sqq += double(w[i]) * double(q[i]) * q[i];
    }
    if (!(sqq > 0)) break;
    const uint16_t h0 = best_h;
    const uint16_t h = f32_to_fp16_sat(float(sxq / sqq));
    consider(half_to_f32(h));
    consider(half_to_f32(uint16_t(h + 1)));
    if ((h & 0x7fffu) != 0) consider(half_to_f32(uint16_t(h - 1)));
    if (best_h == h0) break;
  }
  sym_codes<Q>(x, half_to_f32(best_h), q);
  return best_h;
}

// ---------------------------------------------------------------------------------------------
// Asymmetric: value = c * d + m, c in [0, N] (q4_1: N = 15; q5_1: 31).

template <int N>
float asym_error(const float* x, const float* w, float dq, float mq) {
  const float inv = std::fabs(dq) >= kTinyScale ? 1.0f / dq : 0.0f;
  float lane[8] = {};
  for (int i = 0; i < kB; i += 8)
    for (int j = 0; j < 8; ++j) {
      const float c = clampf(round_even((x[i + j] - mq) * inv), 0.0f, float(N));
      const float e = x[i + j] - (c * dq + mq);
      lane[j] += w[i + j] * e * e;
    }
  return lane_sum8(lane);
}

template <int N>
void asym_codes(const float* x, float dq, float mq, int* c) {
  const float inv = std::fabs(dq) >= kTinyScale ? 1.0f / dq : 0.0f;
  for (int i = 0; i < kB; ++i) c[i] = int(clampf(round_even((x[i] - mq) * inv), 0.0f, float(N)));
}

template <int N>
void encode_asym(const float* x, const float* w, uint16_t& d_out, uint16_t& m_out, int* c) {
  float lo = x[0], hi = x[0];
  for (int i = 1; i < kB; ++i) {
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
  }
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    for (int i = 0; i < kB; ++i) c[i] = 0;
    d_out = 0;
    m_out = 0;
    return;
  }
  // Candidate 0: ggml's reference (d = (max - min) / N, m = min).
  uint16_t bd = f32_to_fp16_sat((hi - lo) / float(N)), bm = f32_to_fp16_sat(lo);
  float best = asym_error<N>(x, w, half_to_f32(bd), half_to_f32(bm));
  auto consider = [&](float d, float m) {
    const uint16_t hd = f32_to_fp16_sat(d), hm = f32_to_fp16_sat(m);
    if (hd == bd && hm == bm) return;
    const float e = asym_error<N>(x, w, half_to_f32(hd), half_to_f32(hm));
    if (e < best) { best = e; bd = hd; bm = hm; }
  };
  // Shrunken ranges [lo + a r, hi - b r], r = hi - lo, a and b on a small grid.
  const float r = hi - lo;
  static constexpr float kCut[] = {0.0f, 0.03f, 0.06f, 0.1f, 0.15f};
  for (float a : kCut)
    for (float b : kCut) {
      if (a == 0 && b == 0) continue;
      const float l = lo + a * r, h = hi - b * r;
      consider((h - l) / float(N), l);
    }
  // Least-squares refits of (d, m) for fixed codes, then codes again.
  for (int it = 0; it < 2; ++it) {
    asym_codes<N>(x, half_to_f32(bd), half_to_f32(bm), c);
    double s1 = 0, sc = 0, scc = 0, sx = 0, sxc = 0;
    for (int i = 0; i < kB; ++i) {
      const double wi = w[i], ci = c[i], xi = x[i];
      s1 += wi;
      sc += wi * ci;
      scc += wi * ci * ci;
      sx += wi * xi;
      sxc += wi * xi * ci;
    }
    const double det = s1 * scc - sc * sc;
    if (!(det > 0) || !(s1 > 0)) break;
    const uint16_t d0 = bd, m0 = bm;
    const float d = float((s1 * sxc - sc * sx) / det), m = float((scc * sx - sc * sxc) / det);
    consider(d, m);
    // The refit scale with the offset re-solved for the fp16 scale actually stored.
    const float dq = half_to_f32(f32_to_fp16_sat(d));
    consider(dq, float((sx - double(dq) * sc) / s1));
    if (bd == d0 && bm == m0) break;
  }
  asym_codes<N>(x, half_to_f32(bd), half_to_f32(bm), c);
  d_out = bd;
  m_out = bm;
}

// q5_0 and q5_1: the low nibbles of codes j and j + 16 share qs[j]; their fifth bits are bits j
// and j + 16 of qh.
void pack_5bit(const int* c, uint8_t* qs, uint8_t* qh_bytes) {
  uint32_t qh = 0;
  for (int j = 0; j < 16; ++j) {
    qs[j] = uint8_t((c[j] & 0x0F) | ((c[j + 16] & 0x0F) << 4));
    qh |= uint32_t(c[j] >> 4) << j;
    qh |= uint32_t(c[j + 16] >> 4) << (j + 16);
  }
  std::memcpy(qh_bytes, &qh, 4);
}

template <class Block, class Value>
void unpack_5bit(const Block& blk, Value value) {
  uint32_t qh;
  std::memcpy(&qh, blk.qh, 4);
  for (int j = 0; j < 16; ++j) {
    const int c0 = (blk.qs[j] & 0x0F) | int(((qh >> j) & 1u) << 4);
    const int c1 = (blk.qs[j] >> 4) | int(((qh >> (j + 16)) & 1u) << 4);
    value(j, c0, c1);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// q8_0

void quantize_q8_0(const float* x, int64_t n, void* out, const float* weights) {
  encode_blocks<BlockQ8_0, kB>(x, n, out, weights, [](const float* bx, const float* w, BlockQ8_0& blk) {
    int q[kB];
    blk.d = encode_sym<128>(bx, w, q);
    for (int i = 0; i < kB; ++i) blk.qs[i] = int8_t(q[i]);
  });
}

void dequantize_q8_0(const void* in, int64_t n, float* out) {
  decode_blocks<BlockQ8_0, kB>(in, n, out, [](const BlockQ8_0& blk, float* y) {
    const float d = half_to_f32(blk.d);
    for (int i = 0; i < kB; ++i) y[i] = float(blk.qs[i]) * d;
  });
}

// ---------------------------------------------------------------------------------------------
// q4_0

void quantize_q4_0(const float* x, int64_t n, void* out, const float* weights) {
  encode_blocks<BlockQ4_0, kB>(x, n, out, weights, [](const float* bx, const float* w, BlockQ4_0& blk) {
    int q[kB];
    blk.d = encode_sym<8>(bx, w, q);
    for (int j = 0; j < 16; ++j) blk.qs[j] = uint8_t((q[j] + 8) | ((q[j + 16] + 8) << 4));
  });
}

void dequantize_q4_0(const void* in, int64_t n, float* out) {
  decode_blocks<BlockQ4_0, kB>(in, n, out, [](const BlockQ4_0& blk, float* y) {
    const float d = half_to_f32(blk.d);
    for (int j = 0; j < 16; ++j) {
      y[j] = float((blk.qs[j] & 0x0F) - 8) * d;
      y[j + 16] = float((blk.qs[j] >> 4) - 8) * d;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// q4_1

void quantize_q4_1(const float* x, int64_t n, void* out, const float* weights) {
  encode_blocks<BlockQ4_1, kB>(x, n, out, weights, [](const float* bx, const float* w, BlockQ4_1& blk) {
    int c[kB];
    encode_asym<15>(bx, w, blk.d, blk.m, c);
    for (int j = 0; j < 16; ++j) blk.qs[j] = uint8_t(c[j] | (c[j + 16] << 4));
  });
}

void dequantize_q4_1(const void* in, int64_t n, float* out) {
  decode_blocks<BlockQ4_1, kB>(in, n, out, [](const BlockQ4_1& blk, float* y) {
    const float d = half_to_f32(blk.d), m = half_to_f32(blk.m);
    for (int j = 0; j < 16; ++j) {
      y[j] = float(blk.qs[j] & 0x0F) * d + m;
      y[j + 16] = float(blk.qs[j] >> 4) * d + m;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// q5_0

void quantize_q5_0(const float* x, int64_t n, void* out, const float* weights) {
  encode_blocks<BlockQ5_0, kB>(x, n, out, weights, [](const float* bx, const float* w, BlockQ5_0& blk) {
    int q[kB];
    blk.d = encode_sym<16>(bx, w, q);
    for (int& v : q) v += 16;  // codes 0..31
    pack_5bit(q, blk.qs, blk.qh);
  });
}

void dequantize_q5_0(const void* in, int64_t n, float* out) {
  decode_blocks<BlockQ5_0, kB>(in, n, out, [](const BlockQ5_0& blk, float* y) {
    const float d = half_to_f32(blk.d);
    unpack_5bit(blk, [&](int j, int c0, int c1) {
      y[j] = float(c0 - 16) * d;
      y[j + 16] = float(c1 - 16) * d;
    });
  });
}

// ---------------------------------------------------------------------------------------------
// q5_1

void quantize_q5_1(const float* x, int64_t n, void* out, const float* weights) {
  encode_blocks<BlockQ5_1, kB>(x, n, out, weights, [](const float* bx, const float* w, BlockQ5_1& blk) {
    int c[kB];
    encode_asym<31>(bx, w, blk.d, blk.m, c);
    pack_5bit(c, blk.qs, blk.qh);
  });
}

void dequantize_q5_1(const void* in, int64_t n, float* out) {
  decode_blocks<BlockQ5_1, kB>(in, n, out, [](const BlockQ5_1& blk, float* y) {
    const float d = half_to_f32(blk.d), m = half_to_f32(blk.m);
    unpack_5bit(blk, [&](int j, int c0, int c1) {
      y[j] = float(c0) * d + m;
      y[j + 16] = float(c1) * d + m;
    });
  });
}

}  // namespace aq::gguf::codec
