#pragma once
// What the scalar and AVX2 kernels share so they compute the very same numbers: the Search grid,
// the summation order, and the (scalar) formulas for a group's scale and zero point. The AVX2
// kernel evaluates the same formulas eight candidates at a time with the same IEEE operations.
// docs/QUANTIZATION.md explains the choices.
#include <cstdint>

#include "tensor/half.h"

// Internal linkage throughout: the scalar and the AVX2 translation units each keep their own copy,
// so the linker can never hand the baseline kernel a function compiled with -mavx2.
namespace aq::qk {
namespace {

/// Search candidate k shrinks the group's range [lo, hi] (0 included) to [f_k*lo, f_k*hi].
/// f_0 = 1 exactly, so candidate 0 is the MinMax result and Search can never do worse. 12
/// candidates lose nothing measurable against 16 or 20 (see docs/QUANTIZATION.md).
inline constexpr int kSearchCandidates = 12;
inline constexpr float kSearchFactors[kSearchCandidates] = {
    1.00f, 0.96f, 0.92f, 0.88f, 0.84f, 0.80f, 0.75f, 0.70f, 0.64f, 0.58f, 0.52f, 0.45f};
/// Candidate slots of the SIMD kernel: two vectors of 8, the unused ones repeat the last factor.
inline constexpr int kCandidateSlots = 16;
static_assert(kSearchCandidates % 2 == 0 && kSearchCandidates <= kCandidateSlots);

/// Float sums run in 8 lanes (lane j takes elements j, j+8, ... counted from the group start) over
/// blocks of kSumBlock elements; each block is reduced with lane_sum and added to a double. Both
/// kernels follow this order, so their sums agree bit for bit.
inline constexpr int kLanes = 8;
inline constexpr int64_t kSumBlock = 256;

/// ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)): the cheapest 8-lane reduction with AVX.
inline float lane_sum(const float* l) {
  return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

/// Round half to even for |v| < 2^22 without libm (baseline x86-64 has no roundss): adding
/// 1.5*2^23 leaves no fraction bits, and the FPU rounds the sum to nearest even.
inline float round_even(float v) {
  constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23
  return (v + kMagic) - kMagic;
}

/// minps / maxps semantics (return b when either is NaN), so the scalar code matches the SIMD.
inline float min_ps(float a, float b) { return a < b ? a : b; }
inline float max_ps(float a, float b) { return a > b ? a : b; }

/// Smallest fp16 >= q (q >= 0); 0x7c00 (Inf) when q > 65504. Same as F16C's round-up mode.
/// Rounding the scale up means the stored scale always covers the group's range.
inline uint16_t fp16_ceil(float q) {
  uint16_t h = f32_to_fp16(q);
  if (fp16_to_f32(h) < q) ++h;
  return h;
}

inline constexpr uint16_t kFp16Inf = 0x7c00;

/// The unrounded scale that fits [lo, hi] (lo <= 0 <= hi). Asymmetric: (hi - lo) / max_code.
/// Symmetric codes mean -2^(b-1) .. 2^(b-1)-1 steps, so the smallest covering scale is
/// max(-lo / 2^(b-1), hi / (2^(b-1) - 1)).
inline float raw_scale(float lo, float hi, int bits, bool symmetric) {
  if (symmetric) {
    const float half = float(1 << (bits - 1));
    return max_ps(-lo / half, hi / (half - 1.0f));
  }
  return (hi - lo) / float((1 << bits) - 1);
}

/// One candidate's parameters as the kernels use them.
struct GroupParams {
  uint16_t scale_h = 0;  // stored fp16 scale
  float scale = 0;       // its value
  float inv = 0;         // 1 / scale: codes are round(x * inv) + zero
  float zero = 0;        // integer zero point
};

/// Parameters for the range [f*lo, f*hi], given raw = raw_scale(lo, hi). The scale is
/// fp16_ceil(raw*f) (f = 1 is MinMax), at least the smallest subnormal so a nonzero group never
/// gets scale 0; scale_h may be kFp16Inf, and the caller reports overflow. The zero point uses the
/// same x * inv as the codes, so f*lo lands exactly on code 0. Should f*hi's code round past
/// max_code (both ends rounding up; rare), the scale goes up one fp16 step at a time until it
/// fits: the range's codes never need clamping, and MinMax never clips.
inline GroupParams candidate_params(float lo, float hi, float raw, float f, int bits,
                                    bool symmetric) {
  const float top = float((1 << bits) - 1), flo = lo * f, fhi = hi * f;
  const uint16_t h = fp16_ceil(raw * f);
  GroupParams p;
  p.scale_h = h < 1 ? uint16_t(1) : h;
  for (;;) {
    p.scale = fp16_to_f32(p.scale_h);
    p.inv = 1.0f / p.scale;
    if (symmetric) {  // raw's two bounds already keep both ends inside -2^(b-1) .. 2^(b-1)-1
      p.zero = float(1 << (bits - 1));
      return p;
    }
    // max_ps(-0, 0) is +0, so a stored zero point never has its sign bit set.
    p.zero = min_ps(max_ps(round_even(-flo * p.inv), 0.0f), top);
    if (!(round_even(fhi * p.inv) + p.zero > top)) return p;
    ++p.scale_h;
  }
}

/// The least-squares scale for fixed codes, rounded to fp16, is tried after the grid; it is only
/// accepted within [s/2, 2s] of the grid's best scale s (keeps |x * inv| small and the step sane).
inline constexpr float kRefineMinRatio = 0.5f;
inline constexpr float kRefineMaxRatio = 2.0f;

}  // namespace
}  // namespace aq::qk
