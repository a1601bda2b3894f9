// AVX2 + F16C kernels: 8 floats per step, the same IEEE operations in the same order as the
// scalar reference (see range_search.h), so results are bit-identical. No FMA on purpose.
//
// Short groups (<= kSumBlock) are handled 8 at a time ("tiles"): their ranges, parameters,
// candidate errors and sums are reduced and computed with one vector lane per group, which
// removes most per-group scalar work. Anything unusual in a tile (a zero, non-finite or
// overflowing group) sends that tile through the shared per-group path instead.
#include "quant/fp_strict.h"

#include <immintrin.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

#include "quant/bit_pack.h"
#include "quant/kernel_common.h"
#include "quant/range_search.h"
#include "quant/row_driver.h"
#include "tensor/half.h"

namespace aq::qk {
namespace {

inline __m256 masked_load(const float* p, int64_t rem) {  // 0 < rem < 8; other lanes 0
  const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(rem)),
                                          _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
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

struct AddOp { __m256 operator()(__m256 a, __m256 b) const { return _mm256_add_ps(a, b); } };
struct MinOp { __m256 operator()(__m256 a, __m256 b) const { return _mm256_min_ps(a, b); } };
struct MaxOp { __m256 operator()(__m256 a, __m256 b) const { return _mm256_max_ps(a, b); } };

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

/// candidate_params() for 8 lanes at once (lanes are candidates or groups).
struct Params8 {
  __m128i h;
  __m256 scale, inv, zero;
};

inline Params8 params8(__m256 lo, __m256 hi, __m256 f, int bits, bool sym) {
  const float half = float(1 << (bits - 1)), top = float((1 << bits) - 1);
  const __m256 flo = _mm256_mul_ps(lo, f), fhi = _mm256_mul_ps(hi, f);
  const __m256 neg_flo = _mm256_xor_ps(flo, _mm256_set1_ps(-0.0f));
  const __m256 raw = sym ? _mm256_max_ps(_mm256_div_ps(neg_flo, _mm256_set1_ps(half)),
                                         _mm256_div_ps(fhi, _mm256_set1_ps(half - 1.0f)))
                         : _mm256_div_ps(_mm256_sub_ps(fhi, flo), _mm256_set1_ps(top));
  Params8 p;
  // F16C's round-up mode is fp16_ceil; at least the smallest subnormal, as in candidate_params.
  p.h = _mm_max_epu16(_mm256_cvtps_ph(raw, _MM_FROUND_TO_POS_INF), _mm_set1_epi16(1));
  p.scale = _mm256_cvtph_ps(p.h);
  p.inv = _mm256_div_ps(_mm256_set1_ps(1.0f), p.scale);
  if (sym) {
    p.zero = _mm256_set1_ps(half);
  } else {
    const __m256 z = _mm256_round_ps(_mm256_div_ps(neg_flo, p.scale),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    p.zero = _mm256_min_ps(_mm256_max_ps(z, _mm256_setzero_ps()), _mm256_set1_ps(top));
  }
  return p;
}

/// The scalar Stepper with integers: cvtps_epi32 rounds to nearest even like round_even (and
/// turns NaN into INT_MIN, which the clamp maps to -zero just as max_ps does).
struct VStep {
  __m256 inv, scale;
  __m256i rlo, rhi;
  VStep(float s, float i, float z, int max_code)
      : inv(_mm256_set1_ps(i)), scale(_mm256_set1_ps(s)), rlo(_mm256_set1_epi32(-int(z))),
        rhi(_mm256_set1_epi32(max_code - int(z))) {}
  VStep(const GroupParams& p, int max_code) : VStep(p.scale, p.inv, p.zero, max_code) {}
  __m256i r(__m256 x) const {
    return _mm256_min_epi32(_mm256_max_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(x, inv)), rlo), rhi);
  }
  __m256 err(__m256 x) const {
    return _mm256_sub_ps(x, _mm256_mul_ps(_mm256_cvtepi32_ps(r(x)), scale));
  }
};

/// Low byte of each 32-bit code -> 8 consecutive bytes.
inline void store_codes8(uint8_t* dst, __m256i c) {
  const __m256i first_byte = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                              -1, -1, 0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1,
                                              -1, -1, -1, -1);
  const __m256i t = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(c, first_byte),
                                                _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0));
  _mm_storel_epi64((__m128i*)dst, _mm256_castsi256_si128(t));
}

// ---- per-block passes (n <= kSumBlock): lane accumulators, reduced by the caller -------------

inline void range_block(const float* x, int64_t n, __m256& lo, __m256& hi) {
  __m256 l0 = _mm256_setzero_ps(), h0 = l0, l1 = l0, h1 = l0;  // 0 is always in the range
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
    l0 = _mm256_min_ps(a, l0);  // x first: a NaN x leaves the accumulator alone
    h0 = _mm256_max_ps(a, h0);
    l1 = _mm256_min_ps(b, l1);
    h1 = _mm256_max_ps(b, h1);
  }
  for_each8(x + i, n - i, [&](__m256 v, int64_t) {
    l0 = _mm256_min_ps(v, l0);
    h0 = _mm256_max_ps(v, h0);
  });
  lo = _mm256_min_ps(l0, l1);
  hi = _mm256_max_ps(h0, h1);
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

/// Codes of one block (a full 8-byte store per step: may spill past n into the next group or
/// the buffer's spare bytes) and its sums; `mx` collects max |e|.
inline FinishAcc finish_block(const float* x, int64_t n, const VStep& st, float zero, uint8_t* codes,
                              __m256& mx) {
  const __m256i z = _mm256_set1_epi32(int(zero));
  FinishAcc a{_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  __m256 m = mx;
  for_each8(x, n, [&](__m256 v, int64_t i) {
    const __m256i ri = st.r(v);
    store_codes8(codes + i, _mm256_add_epi32(ri, z));
    const __m256 r = _mm256_cvtepi32_ps(ri);
    const __m256 e = _mm256_sub_ps(v, _mm256_mul_ps(r, st.scale));
    a.x2 = _mm256_add_ps(a.x2, _mm256_mul_ps(v, v));
    a.e2 = _mm256_add_ps(a.e2, _mm256_mul_ps(e, e));
    a.rr = _mm256_add_ps(a.rr, _mm256_mul_ps(r, r));
    m = _mm256_max_ps(abs8(e), m);
  });
  mx = m;
  return a;
}

// ---- the Ops of row_driver.h -----------------------------------------------------------------

struct Avx2Ops {
  static constexpr int kTileGroups = 8;

  static void range(const float* x, int64_t n, float& lo, float& hi) {
    __m256 l = _mm256_setzero_ps(), h = l;
    for (int64_t b = 0; b < n; b += kSumBlock) {  // min/max are exact: any order will do
      __m256 bl, bh;
      range_block(x + b, std::min(kSumBlock, n - b), bl, bh);
      l = _mm256_min_ps(bl, l);
      h = _mm256_max_ps(bh, h);
    }
    lo = lane_min8(l);
    hi = lane_max8(h);
  }

  static void candidates(float lo, float hi, int bits, bool sym, CandidateSet& set) {
    for (int k = 0; k < kSearchCandidates; k += 8) {
      const Params8 p = params8(_mm256_set1_ps(lo), _mm256_set1_ps(hi),
                                _mm256_load_ps(kSearchFactors + k), bits, sym);
      _mm_store_si128((__m128i*)(set.scale_h + k), p.h);
      _mm256_store_ps(set.scale + k, p.scale);
      _mm256_store_ps(set.inv + k, p.inv);
      _mm256_store_ps(set.zero + k, p.zero);
    }
  }

  static double sse(const float* x, int64_t n, const GroupParams& p, int max_code) {
    const VStep st(p, max_code);
    double total = 0;
    for (int64_t b = 0; b < n; b += kSumBlock)
      total += lane_sum8(sse_block(x + b, std::min(kSumBlock, n - b), st));
    return total;
  }

  static void sse_all(const float* x, int64_t n, const CandidateSet& set, int max_code, double* out) {
    for (int k = 0; k < kSearchCandidates; k += 2) {
      const VStep s0(set.get(k), max_code), s1(set.get(k + 1), max_code);
      double t0 = 0, t1 = 0;
      for (int64_t b = 0; b < n; b += kSumBlock) {
        __m256 a0, a1;
        sse2_block(x + b, std::min(kSumBlock, n - b), s0, s1, a0, a1);
        t0 += lane_sum8(a0);
        t1 += lane_sum8(a1);
      }
      out[k] = t0;
      out[k + 1] = t1;
    }
  }

  static void ls_stats(const float* x, int64_t n, const GroupParams& p, int max_code, double& sxr,
                       double& srr) {
    const VStep st(p, max_code);
    sxr = srr = 0;
    for (int64_t b = 0; b < n; b += kSumBlock) {
      __m256 axr, arr;
      ls_block(x + b, std::min(kSumBlock, n - b), st, axr, arr);
      sxr += lane_sum8(axr);
      srr += lane_sum8(arr);
    }
  }

  static bool finish(const float* x, int64_t n, const GroupParams& p, int max_code, uint8_t* codes,
                     ErrorSums& acc) {
    const VStep st(p, max_code);
    __m256 mx = _mm256_setzero_ps();
    bool finite = true;
    for (int64_t b = 0; b < n; b += kSumBlock) {
      const FinishAcc a = finish_block(x + b, std::min(kSumBlock, n - b), st, p.zero, codes + b, mx);
      const float e2 = lane_sum8(a.e2);
      finite = finite && !std::isnan(e2);
      add_block_sums(acc, lane_sum8(a.x2), e2, lane_sum8(a.rr), p.scale);
    }
    acc.max_abs_err = std::max(acc.max_abs_err, double(lane_max8(mx)));
    acc.count += n;
    return finite;
  }

  static void pack(const uint8_t* codes, int64_t n, int bits, uint8_t* out) {
    pack_codes_avx2(codes, n, bits, out);
  }

  static bool tile(const float* x, int64_t cols, int64_t group, int64_t g0, int count,
                   const QuantScheme& scheme, uint8_t* codes, RowOutput out, ErrorSums& acc,
                   RowResult& status);
};

/// Parameters of the 8 groups of a tile, one lane each.
struct TileParams {
  alignas(32) float scale[8];
  alignas(32) float inv[8];
  alignas(32) float zero[8];
  alignas(16) uint16_t h[8];

  void store(const Params8& p) {
    _mm_store_si128((__m128i*)h, p.h);
    _mm256_store_ps(scale, p.scale);
    _mm256_store_ps(inv, p.inv);
    _mm256_store_ps(zero, p.zero);
  }
};

/// search_group() for the groups of a tile. `best` holds the MinMax parameters on entry.
void search_tile(const float* x, const int64_t* c0, const int64_t* n, int count, __m256 lo,
                 __m256 hi, int bits, bool sym, TileParams& best) {
  const int max_code = (1 << bits) - 1;
  TileParams cand[kSearchCandidates];
  for (int k = 0; k < kSearchCandidates; ++k)
    cand[k].store(params8(lo, hi, _mm256_set1_ps(kSearchFactors[k]), bits, sym));

  alignas(32) float best_sse[8];
  __m256 axr[8], arr[8];
  for (int t = 0; t < 8; ++t) axr[t] = arr[t] = _mm256_setzero_ps();
  for (int t = 0; t < count; ++t) {
    const float* gx = x + c0[t];
    __m256 acc[kSearchCandidates];
    for (int k = 0; k < kSearchCandidates; k += 2) {
      const VStep s0(cand[k].scale[t], cand[k].inv[t], cand[k].zero[t], max_code);
      const VStep s1(cand[k + 1].scale[t], cand[k + 1].inv[t], cand[k + 1].zero[t], max_code);
      sse2_block(gx, n[t], s0, s1, acc[k], acc[k + 1]);
    }
    static_assert(kSearchCandidates == 16, "two reductions of 8 candidates");
    const __m256 e0 = reduce8(acc, AddOp()), e1 = reduce8(acc + 8, AddOp());
    // The first index holding the minimum is what the scalar strict-< scan keeps.
    const __m256 m = _mm256_set1_ps(lane_min8(_mm256_min_ps(e0, e1)));
    const unsigned m0 = unsigned(_mm256_movemask_ps(_mm256_cmp_ps(e0, m, _CMP_EQ_OQ)));
    const unsigned m1 = unsigned(_mm256_movemask_ps(_mm256_cmp_ps(e1, m, _CMP_EQ_OQ)));
    const int k = m0 ? __builtin_ctz(m0) : m1 ? 8 + __builtin_ctz(m1) : 0;  // none: NaN group
    alignas(32) float e[16];
    _mm256_store_ps(e, e0);
    _mm256_store_ps(e + 8, e1);
    best_sse[t] = e[k];
    best.scale[t] = cand[k].scale[t];
    best.inv[t] = cand[k].inv[t];
    best.zero[t] = cand[k].zero[t];
    best.h[t] = cand[k].h[t];
    ls_block(gx, n[t], VStep(best.scale[t], best.inv[t], best.zero[t], max_code), axr[t], arr[t]);
  }

  // refine_candidate() for all lanes.
  const __m256 sxr = reduce8(axr, AddOp()), srr = reduce8(arr, AddOp());
  const __m128i rh = _mm256_cvtps_ph(_mm256_div_ps(sxr, srr), _MM_FROUND_TO_NEAREST_INT);
  const __m256 rs = _mm256_cvtph_ps(rh), bs = _mm256_load_ps(best.scale);
  const __m256 rinv = _mm256_div_ps(_mm256_set1_ps(1.0f), rs);
  const __m256i same_h = _mm256_cvtepi16_epi32(_mm_cmpeq_epi16(rh, _mm_load_si128((const __m128i*)best.h)));
  __m256 ok = _mm256_cmp_ps(srr, _mm256_setzero_ps(), _CMP_GT_OQ);
  ok = _mm256_and_ps(ok, _mm256_cmp_ps(rs, _mm256_mul_ps(bs, _mm256_set1_ps(kRefineMinRatio)), _CMP_GE_OQ));
  ok = _mm256_and_ps(ok, _mm256_cmp_ps(rs, _mm256_mul_ps(bs, _mm256_set1_ps(kRefineMaxRatio)), _CMP_LE_OQ));
  ok = _mm256_andnot_ps(_mm256_castsi256_ps(same_h), ok);
  unsigned todo = unsigned(_mm256_movemask_ps(ok)) & ((1u << count) - 1);
  if (!todo) return;
  alignas(32) float qs[8], qinv[8];
  alignas(16) uint16_t qh[8];
  _mm256_store_ps(qs, rs);
  _mm256_store_ps(qinv, rinv);
  _mm_store_si128((__m128i*)qh, rh);
  for (; todo; todo &= todo - 1) {
    const int t = __builtin_ctz(todo);
    const VStep st(qs[t], qinv[t], best.zero[t], max_code);
    if (lane_sum8(sse_block(x + c0[t], n[t], st)) < best_sse[t]) {
      best.scale[t] = qs[t];
      best.inv[t] = qinv[t];
      best.h[t] = qh[t];
    }
  }
}

bool Avx2Ops::tile(const float* x, int64_t cols, int64_t group, int64_t g0, int count,
                   const QuantScheme& scheme, uint8_t* codes, RowOutput out, ErrorSums& acc,
                   RowResult& status) {
  const int bits = scheme.bits, max_code = scheme.max_code();
  const bool sym = scheme.symmetric;
  const unsigned lanes = (1u << count) - 1;
  int64_t c0[8], n[8];
  __m256 lo_acc[8], hi_acc[8];
  for (int t = 0; t < 8; ++t) lo_acc[t] = hi_acc[t] = _mm256_setzero_ps();
  for (int t = 0; t < count; ++t) {
    c0[t] = (g0 + t) * group;
    n[t] = std::min(group, cols - c0[t]);
    range_block(x + c0[t], n[t], lo_acc[t], hi_acc[t]);
  }
  const __m256 lo = reduce8(lo_acc, MinOp()), hi = reduce8(hi_acc, MaxOp());

  // Zero groups (lo == hi), Inf, and scales past fp16 go the per-group way.
  const Params8 p = params8(lo, hi, _mm256_set1_ps(1.0f), bits, sym);
  __m256 odd = _mm256_cmp_ps(lo, hi, _CMP_EQ_OQ);
  odd = _mm256_or_ps(odd, _mm256_cmp_ps(lo, _mm256_set1_ps(-FLT_MAX), _CMP_LT_OQ));
  odd = _mm256_or_ps(odd, _mm256_cmp_ps(hi, _mm256_set1_ps(FLT_MAX), _CMP_GT_OQ));
  const __m128i too_big = _mm_cmpgt_epi16(p.h, _mm_set1_epi16(0x7bff));
  odd = _mm256_or_ps(odd, _mm256_castsi256_ps(_mm256_cvtepi16_epi32(too_big)));
  if (unsigned(_mm256_movemask_ps(odd)) & lanes) return false;

  TileParams best;
  best.store(p);
  if (scheme.method == Method::Search) search_tile(x, c0, n, count, lo, hi, bits, sym, best);

  __m256 x2[8], e2[8], rr[8], mx = _mm256_setzero_ps();
  for (int t = 0; t < 8; ++t) x2[t] = e2[t] = rr[t] = _mm256_setzero_ps();
  for (int t = 0; t < count; ++t) {
    const VStep st(best.scale[t], best.inv[t], best.zero[t], max_code);
    const FinishAcc a = finish_block(x + c0[t], n[t], st, best.zero[t], codes + c0[t], mx);
    x2[t] = a.x2;
    e2[t] = a.e2;
    rr[t] = a.rr;
  }
  alignas(32) float sx2[8], se2[8], srr[8];
  const __m256 ve2 = reduce8(e2, AddOp());
  if (const unsigned nan = unsigned(_mm256_movemask_ps(_mm256_cmp_ps(ve2, ve2, _CMP_UNORD_Q))) & lanes) {
    const int t = __builtin_ctz(nan);
    status = {RowStatus::NonFinite, c0[t] + first_non_finite(x + c0[t], n[t])};
    return true;
  }
  _mm256_store_ps(sx2, reduce8(x2, AddOp()));
  _mm256_store_ps(se2, ve2);
  _mm256_store_ps(srr, reduce8(rr, AddOp()));
  for (int t = 0; t < count; ++t) {
    add_block_sums(acc, sx2[t], se2[t], srr[t], best.scale[t]);
    out.scales[g0 + t] = best.h[t];
    if (!sym && out.zeros) out.zeros[g0 + t] = f32_to_fp16(best.zero[t]);
    acc.count += n[t];
  }
  acc.max_abs_err = std::max(acc.max_abs_err, double(lane_max8(mx)));
  status = {};
  return true;
}

// F16C quiets signalling NaNs (sets mantissa bit 9 -> bit 22); fp16_to_f32 keeps the payload as
// is, so lanes that held an fp16 sNaN get that bit cleared again. Only runs when a NaN is present.
inline __m256 fix_snan(__m128i h, __m256 f) {
  const __m128i mag = _mm_and_si128(h, _mm_set1_epi16(0x7fff));
  const __m128i nan = _mm_cmpgt_epi16(mag, _mm_set1_epi16(0x7c00));
  if (_mm_movemask_epi8(nan) == 0) return f;
  const __m128i snan = _mm_andnot_si128(_mm_cmpgt_epi16(mag, _mm_set1_epi16(0x7dff)), nan);
  const __m256i quiet = _mm256_and_si256(_mm256_cvtepi16_epi32(snan), _mm256_set1_epi32(0x00400000));
  return _mm256_andnot_ps(_mm256_castsi256_ps(quiet), f);
}

void to_f32(DType dtype, const std::byte* src, float* dst, int64_t n) {
  int64_t i = 0;
  switch (dtype) {
    case DType::F32: std::memcpy(dst, src, std::size_t(n) * 4); return;
    case DType::F16:
      for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm_loadu_si128((const __m128i*)(src + 2 * i));
        _mm256_storeu_ps(dst + i, fix_snan(h, _mm256_cvtph_ps(h)));
      }
      for (; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        dst[i] = fp16_to_f32(h);
      }
      return;
    case DType::BF16:
      for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm_loadu_si128((const __m128i*)(src + 2 * i));
        _mm256_storeu_si256((__m256i*)(dst + i), _mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
      }
      for (; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        dst[i] = bf16_to_f32(h);
      }
      return;
    default: return;
  }
}

RowResult quantize_row(const float* x, int64_t cols, const QuantScheme& scheme, RowOutput out,
                       ErrorSums& sums) {
  return quantize_row_with<Avx2Ops>(x, cols, scheme, out, sums);
}

void dequantize_row(const uint8_t* packed, const uint16_t* scales, const uint16_t* zeros,
                    int64_t cols, const QuantScheme& scheme, float* out) {
  thread_local std::vector<uint8_t> t_codes;
  uint8_t* codes = scratch(t_codes, cols);
  unpack_codes_avx2(packed, cols, scheme.bits, codes);
  const int64_t group = group_length(scheme, cols);
  const float sym_zero = float(1 << (scheme.bits - 1));
  for (int64_t c0 = 0, g = 0; c0 < cols; c0 += group, ++g) {
    const int64_t end = std::min(cols, c0 + group);
    const float s = fp16_to_f32(scales[g]);
    const float z = (scheme.symmetric || !zeros) ? sym_zero : fp16_to_f32(zeros[g]);
    const __m256 vs = _mm256_set1_ps(s), vz = _mm256_set1_ps(z);
    int64_t i = c0;
    for (; i + 8 <= end; i += 8) {
      const __m256i c = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i*)(codes + i)));
      _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_sub_ps(_mm256_cvtepi32_ps(c), vz), vs));
    }
    for (; i < end; ++i) out[i] = (float(codes[i]) - z) * s;
  }
}

}  // namespace

const KernelSet kAvx2Kernels = {"avx2", to_f32, quantize_row, dequantize_row};

}  // namespace aq::qk
