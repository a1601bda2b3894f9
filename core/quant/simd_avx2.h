#pragma once
// AVX2 + F16C building blocks shared by the *_avx2.cpp kernel files: loads, lane reductions, the
// vector twins of range_search.h's formulas, and the per-block passes. Each does the same IEEE
// operations in the same order as the scalar reference, so results are bit-identical.
#if !defined(__AVX2__) || !defined(__F16C__)
#error "simd_avx2.h is for files compiled with -mavx2 -mf16c (*_avx2.cpp)"
#endif
#include <immintrin.h>

#include <cfloat>
#include <cmath>
#include <cstdint>

#include "quant/kernel_common.h"
#include "quant/range_search.h"
#include "quant/row_driver.h"

namespace aq::qk {

/// Short groups 8 at a time (tiles_avx2.cpp), as row_driver.h's Ops::tiles.
int64_t avx2_tiles(const float* x, int64_t cols, int64_t group, int64_t g0, int64_t groups,
                   const QuantScheme& scheme, uint8_t* codes, RowOutput out, ErrorSums& acc,
                   RowResult& status);

namespace {  // internal linkage: see range_search.h

inline __m256 masked_load(const float* p, int64_t rem) {  // 0 < rem < 8; other lanes 0
  const __m256i mask =
      _mm256_cmpgt_epi32(_mm256_set1_epi32(int(rem)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  return _mm256_maskload_ps(p, mask);
}

/// Calls f(v, i) for each 8-float step of x[0, n); the last step is zero-padded, and zeros add
/// exactly nothing to any sum below (x = 0 -> r = 0 -> y = 0 -> e = 0).
template <class F>
inline void for_each8(const float* x, int64_t n, F&& f) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) f(_mm256_loadu_ps(x + i), i);
  if (i < n) f(masked_load(x + i, n - i), i);
}

/// lane_sum() of range_search.h: ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)).
inline float lane_sum8(__m256 v) {
  const __m128 a = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 b = _mm_add_ps(a, _mm_movehl_ps(a, a));
  return _mm_cvtss_f32(_mm_add_ss(b, _mm_shuffle_ps(b, b, 1)));
}

inline float lane_min8(__m256 v) {
  __m128 a = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  a = _mm_min_ps(a, _mm_movehl_ps(a, a));
  return _mm_cvtss_f32(_mm_min_ss(a, _mm_shuffle_ps(a, a, 1)));
}

inline float lane_max8(__m256 v) {
  __m128 a = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  a = _mm_max_ps(a, _mm_movehl_ps(a, a));
  return _mm_cvtss_f32(_mm_max_ss(a, _mm_shuffle_ps(a, a, 1)));
}

struct AddOp {
  __m256 operator()(__m256 a, __m256 b) const { return _mm256_add_ps(a, b); }
};
struct MinOp {
  __m256 operator()(__m256 a, __m256 b) const { return _mm256_min_ps(a, b); }
};
struct MaxOp {
  __m256 operator()(__m256 a, __m256 b) const { return _mm256_max_ps(a, b); }
};

/// Eight vectors -> one vector whose lane t reduces v[t], with the very tree of lane_sum8:
/// halves first, then lanes (0,2) and (1,3), then the two partial sums.
template <class Op>
inline __m256 reduce8(const __m256* v, Op op) {
  __m256 s[4];
  for (int i = 0; i < 4; ++i)
    s[i] = op(_mm256_permute2f128_ps(v[2 * i], v[2 * i + 1], 0x20),
              _mm256_permute2f128_ps(v[2 * i], v[2 * i + 1], 0x31));
  const __m256 t0 = op(_mm256_shuffle_ps(s[0], s[1], 0x44), _mm256_shuffle_ps(s[0], s[1], 0xee));
  const __m256 t1 = op(_mm256_shuffle_ps(s[2], s[3], 0x44), _mm256_shuffle_ps(s[2], s[3], 0xee));
  const __m256 u = op(_mm256_shuffle_ps(t0, t1, 0x88), _mm256_shuffle_ps(t0, t1, 0xdd));
  return _mm256_permutevar8x32_ps(u, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));  // lanes 0..7
}

inline __m256 abs8(__m256 v) {
  return _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
}

/// raw_scale() for 8 lanes.
inline __m256 raw8(__m256 lo, __m256 hi, int bits, bool sym) {
  if (sym) {
    const float half = float(1 << (bits - 1));
    return _mm256_max_ps(
        _mm256_div_ps(_mm256_xor_ps(lo, _mm256_set1_ps(-0.0f)), _mm256_set1_ps(half)),
        _mm256_div_ps(hi, _mm256_set1_ps(half - 1.0f)));
  }
  return _mm256_div_ps(_mm256_sub_ps(hi, lo), _mm256_set1_ps(float((1 << bits) - 1)));
}

/// candidate_params() for 8 lanes at once (lanes are candidates or groups).
struct Params8 {
  __m128i h;
  __m256 scale, inv, zero;
};

inline Params8 params8(__m256 lo, __m256 hi, __m256 raw, __m256 f, int bits, bool sym) {
  const __m256 top = _mm256_set1_ps(float((1 << bits) - 1));
  Params8 p;
  // F16C's round-up mode is fp16_ceil; at least the smallest subnormal, as in candidate_params.
  p.h = _mm_max_epu16(_mm256_cvtps_ph(_mm256_mul_ps(raw, f), _MM_FROUND_TO_POS_INF),
                      _mm_set1_epi16(1));
  const __m256 neg_flo = _mm256_xor_ps(_mm256_mul_ps(lo, f), _mm256_set1_ps(-0.0f));
  const __m256 fhi = _mm256_mul_ps(hi, f);
  for (;;) {
    p.scale = _mm256_cvtph_ps(p.h);
    p.inv = _mm256_div_ps(_mm256_set1_ps(1.0f), p.scale);
    if (sym) {
      p.zero = _mm256_set1_ps(float(1 << (bits - 1)));
      return p;
    }
    constexpr int kNearest = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    const __m256 z = _mm256_round_ps(_mm256_mul_ps(neg_flo, p.inv), kNearest);
    p.zero = _mm256_min_ps(_mm256_max_ps(z, _mm256_setzero_ps()), top);
    // The rare top-end overshoot of candidate_params: one fp16 step up for those lanes.
    const __m256 over =
        _mm256_cmp_ps(_mm256_add_ps(_mm256_round_ps(_mm256_mul_ps(fhi, p.inv), kNearest), p.zero),
                      top, _CMP_GT_OQ);
    if (!_mm256_movemask_ps(over)) return p;
    const __m256i o = _mm256_castps_si256(over);
    p.h = _mm_sub_epi16(p.h,
                        _mm_packs_epi32(_mm256_castsi256_si128(o), _mm256_extracti128_si256(o, 1)));
  }
}

struct VStep {
  __m256 inv, scale;
  __m256i zero, rlo, rhi;
  VStep(float s, float i, float z, int max_code)
      : inv(_mm256_set1_ps(i)),
        scale(_mm256_set1_ps(s)),
        zero(_mm256_set1_epi32(int(z))),
        rlo(_mm256_set1_epi32(-int(z))),
        rhi(_mm256_set1_epi32(max_code - int(z))) {}
  VStep(const GroupParams& p, int max_code) : VStep(p.scale, p.inv, p.zero, max_code) {}
  /// Lane t of a tile's parameters, by register permutes.
  VStep(const Params8& p, __m256i zero_i, int t, int max_code) {
    const __m256i idx = _mm256_set1_epi32(t);
    inv = _mm256_permutevar8x32_ps(p.inv, idx);
    scale = _mm256_permutevar8x32_ps(p.scale, idx);
    zero = _mm256_permutevar8x32_epi32(zero_i, idx);
    rlo = _mm256_sub_epi32(_mm256_setzero_si256(), zero);
    rhi = _mm256_sub_epi32(_mm256_set1_epi32(max_code), zero);
  }
  /// kClamp = false when the parameters' range is the group's own (MinMax): candidate_params
  /// then guarantees every code is in range already.
  template <bool kClamp = true>
  __m256i r(__m256 x) const {
    const __m256i q = _mm256_cvtps_epi32(_mm256_mul_ps(x, inv));
    return kClamp ? _mm256_min_epi32(_mm256_max_epi32(q, rlo), rhi) : q;
  }
  __m256 err(__m256 x) const {
    return _mm256_sub_ps(x, _mm256_mul_ps(_mm256_cvtepi32_ps(r(x)), scale));
  }
};

/// Low byte of each 32-bit code -> 8 consecutive bytes.
inline void store_codes8(uint8_t* dst, __m256i c) {
  const __m256i first_byte =
      _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12, -1,
                       -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m256i t = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(c, first_byte),
                                                _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0));
  _mm_storel_epi64((__m128i*)dst, _mm256_castsi256_si128(t));
}

// ---- per-block passes (n <= kSumBlock): lane accumulators, reduced by the caller -------------

/// min/max of a block (0 included); with kX2 also the lane sums of x*x, which the tile path takes
/// here rather than in finish_block, where registers are short.
template <bool kX2>
__attribute__((always_inline)) inline void range_block(const float* x, int64_t n, __m256& lo,
                                                       __m256& hi, __m256* x2 = nullptr) {
  // Four accumulators each: the 4-cycle min/max latency, not the loads, would limit one.
  __m256 l[4], h[4], s2 = _mm256_setzero_ps();
  for (int k = 0; k < 4; ++k) l[k] = h[k] = _mm256_setzero_ps();  // 0 is always in the range
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    for (int k = 0; k < 4; ++k) {
      const __m256 v = _mm256_loadu_ps(x + i + 8 * k);
      l[k] = _mm256_min_ps(v, l[k]);  // x first: a NaN x leaves the accumulator alone
      h[k] = _mm256_max_ps(v, h[k]);
      if constexpr (kX2) s2 = _mm256_add_ps(s2, _mm256_mul_ps(v, v));
    }
  }
  for_each8(x + i, n - i, [&](__m256 v, int64_t) {
    l[0] = _mm256_min_ps(v, l[0]);
    h[0] = _mm256_max_ps(v, h[0]);
    if constexpr (kX2) s2 = _mm256_add_ps(s2, _mm256_mul_ps(v, v));
  });
  lo = _mm256_min_ps(_mm256_min_ps(l[0], l[1]), _mm256_min_ps(l[2], l[3]));
  hi = _mm256_max_ps(_mm256_max_ps(h[0], h[1]), _mm256_max_ps(h[2], h[3]));
  if constexpr (kX2) *x2 = s2;
}

inline __m256 sse_block(const float* x, int64_t n, const VStep& st) {
  __m256 acc = _mm256_setzero_ps();
  for_each8(x, n, [&](__m256 v, int64_t) {
    const __m256 e = st.err(v);
    acc = _mm256_add_ps(acc, _mm256_mul_ps(e, e));
  });
  return acc;
}

// Two candidates per pass: one load feeds both, and two add chains hide the latency.
inline void sse2_block(const float* x, int64_t n, const VStep& s0, const VStep& s1, __m256& a0,
                       __m256& a1) {
  a0 = a1 = _mm256_setzero_ps();
  for_each8(x, n, [&](__m256 v, int64_t) {
    const __m256 e0 = s0.err(v), e1 = s1.err(v);
    a0 = _mm256_add_ps(a0, _mm256_mul_ps(e0, e0));
    a1 = _mm256_add_ps(a1, _mm256_mul_ps(e1, e1));
  });
}

inline void ls_block(const float* x, int64_t n, const VStep& st, __m256& axr, __m256& arr) {
  axr = arr = _mm256_setzero_ps();
  for_each8(x, n, [&](__m256 v, int64_t) {
    const __m256 r = _mm256_cvtepi32_ps(st.r(v));
    axr = _mm256_add_ps(axr, _mm256_mul_ps(v, r));
    arr = _mm256_add_ps(arr, _mm256_mul_ps(r, r));
  });
}

struct FinishAcc {
  __m256 x2, e2, rr;
};

/// Codes of one block and its sums (x*x only with kX2); `mx` collects max e^2 (see max_abs_err).
/// Steps of 32 pack the codes through 16 bits (which also gives sum r*r exactly with madd), the
/// rest go 8 at a time with a full 8-byte store that may spill past n (into the next group or the
/// buffer's spare bytes).
template <bool kX2, bool kClamp>
__attribute__((always_inline)) inline FinishAcc finish_block(const float* x, int64_t n,
                                                             const VStep& st, uint8_t* codes,
                                                             __m256& mx) {
  FinishAcc a{_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  __m256 m = mx;
  // Returns e^2: max is exact in any order, so callers combine it in a tree, off the chain.
  auto sums = [&](__m256 v, __m256 r) {
    const __m256 e = _mm256_sub_ps(v, _mm256_mul_ps(r, st.scale));
    if constexpr (kX2) a.x2 = _mm256_add_ps(a.x2, _mm256_mul_ps(v, v));
    const __m256 e2 = _mm256_mul_ps(e, e);
    a.e2 = _mm256_add_ps(a.e2, e2);
    return e2;
  };
  int64_t i = 0;
  if (n >= 32) {
    const __m256i z16 = _mm256_packs_epi32(st.zero, st.zero);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    __m256i rr = _mm256_setzero_si256();  // |r| <= 255: 16-bit products, exact int32 sums
    for (; i + 32 <= n; i += 32) {
      __m256i r[4];
      for (int k = 0; k < 4; ++k) r[k] = st.template r<kClamp>(_mm256_loadu_ps(x + i + 8 * k));
      const __m256i p01 = _mm256_packs_epi32(r[0], r[1]), p23 = _mm256_packs_epi32(r[2], r[3]);
      rr = _mm256_add_epi32(
          rr, _mm256_add_epi32(_mm256_madd_epi16(p01, p01), _mm256_madd_epi16(p23, p23)));
      const __m256i bytes =
          _mm256_packus_epi16(_mm256_add_epi16(p01, z16), _mm256_add_epi16(p23, z16));
      _mm256_storeu_si256((__m256i*)(codes + i), _mm256_permutevar8x32_epi32(bytes, order));
      // x again from L1 rather than held in registers across the packing.
      __m256 q[4];
      for (int k = 0; k < 4; ++k)
        q[k] = sums(_mm256_loadu_ps(x + i + 8 * k), _mm256_cvtepi32_ps(r[k]));
      m = _mm256_max_ps(m, _mm256_max_ps(_mm256_max_ps(q[0], q[1]), _mm256_max_ps(q[2], q[3])));
    }
    a.rr = _mm256_cvtepi32_ps(rr);  // exact: below 2^24
  }
  for_each8(x + i, n - i, [&](__m256 v, int64_t j) {
    const __m256i ri = st.template r<kClamp>(v);
    store_codes8(codes + i + j, _mm256_add_epi32(ri, st.zero));
    const __m256 r = _mm256_cvtepi32_ps(ri);
    a.rr = _mm256_add_ps(a.rr, _mm256_mul_ps(r, r));  // integers below 2^24: exact in any order
    m = _mm256_max_ps(sums(v, r), m);
  });
  mx = m;
  return a;
}

/// max |e| of a block, recomputed directly: only when max e^2 underflowed (see max_abs_err).
inline __m256 max_abs_block(const float* x, int64_t n, const VStep& st, __m256 m) {
  for_each8(x, n, [&](__m256 v, int64_t) { m = _mm256_max_ps(abs8(st.err(v)), m); });
  return m;
}

/// sqrt(fl(e*e)) == |e| for every float whose square is a normal float, and e -> fl(e*e) is then
/// strictly increasing, so max |e| is the square root of max e^2: one max per step instead of an
/// abs and a max. Below FLT_MIN (|e| < 2^-63) the caller recomputes max |e| directly.
inline bool max_abs_err(__m256 max_e2, float& out) {
  const float m = lane_max8(max_e2);
  out = std::sqrt(m);
  return m >= FLT_MIN;
}

/// kSearchFactors padded to the vector slots.
struct PaddedFactors {
  alignas(32) float f[kCandidateSlots];
  constexpr PaddedFactors() : f() {
    for (int k = 0; k < kCandidateSlots; ++k)
      f[k] = kSearchFactors[k < kSearchCandidates ? k : kSearchCandidates - 1];
  }
};
constexpr PaddedFactors kFactors;

}  // namespace
}  // namespace aq::qk
