// Short groups (<= kSumBlock), 8 at a time: ranges, parameters, Search candidates and sums with
// one vector lane per group, which removes most per-group scalar work. A tile holding a zero,
// non-finite or overflowing group is left to the per-group path (row_driver.h's process_group).
#include "quant/fp_strict.h"

#include <immintrin.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "quant/simd_avx2.h"

namespace aq::qk {
namespace {

constexpr int kTileGroups = 8;

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
  Params8 load() const {
    return {_mm_load_si128((const __m128i*)h), _mm256_load_ps(scale), _mm256_load_ps(inv),
            _mm256_load_ps(zero)};
  }
};

/// search_group() for the groups of a tile. `best` holds the MinMax parameters on entry.
/// Kept out of line: inlined, its large frame and register needs slow down the MinMax loops.
__attribute__((noinline)) void search_tile(const float* x, const int64_t* c0, const int64_t* n,
                                           int count, __m256 lo, __m256 hi, __m256 raw, int bits,
                                           bool sym, TileParams& best) {
  const int max_code = (1 << bits) - 1;
  TileParams cand[kSearchCandidates];
  for (int k = 0; k < kSearchCandidates; ++k)
    cand[k].store(params8(lo, hi, raw, _mm256_set1_ps(kSearchFactors[k]), bits, sym));

  alignas(32) float best_sse[8];
  __m256 axr[8], arr[8];
  for (int t = 0; t < 8; ++t) axr[t] = arr[t] = _mm256_setzero_ps();
  for (int t = 0; t < count; ++t) {
    const float* gx = x + c0[t];
    __m256 acc[kCandidateSlots];
    for (int k = kSearchCandidates; k < kCandidateSlots; ++k) acc[k] = _mm256_set1_ps(INFINITY);
    for (int k = 0; k < kSearchCandidates; k += 2) {
      const VStep s0(cand[k].scale[t], cand[k].inv[t], cand[k].zero[t], max_code);
      const VStep s1(cand[k + 1].scale[t], cand[k + 1].inv[t], cand[k + 1].zero[t], max_code);
      sse2_block(gx, n[t], s0, s1, acc[k], acc[k + 1]);
    }
    static_assert(kCandidateSlots == 16, "two reductions of 8 candidates");
    const __m256 e0 = reduce8(acc, AddOp()), e1 = reduce8(acc + 8, AddOp());
    // The first index holding the minimum is what the scalar strict-< scan keeps.
    const __m256 m = _mm256_set1_ps(lane_min8(_mm256_min_ps(e0, e1)));
    const unsigned m0 = unsigned(_mm256_movemask_ps(_mm256_cmp_ps(e0, m, _CMP_EQ_OQ)));
    const unsigned m1 = unsigned(_mm256_movemask_ps(_mm256_cmp_ps(e1, m, _CMP_EQ_OQ)));
    int k = m0 ? __builtin_ctz(m0) : m1 ? 8 + __builtin_ctz(m1) : 0;
    if (k >= kSearchCandidates) k = 0;  // only in a NaN group, which fails anyway
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
  const __m256i same_h =
      _mm256_cvtepi16_epi32(_mm_cmpeq_epi16(rh, _mm_load_si128((const __m128i*)best.h)));
  __m256 ok = _mm256_cmp_ps(srr, _mm256_setzero_ps(), _CMP_GT_OQ);
  ok = _mm256_and_ps(
      ok, _mm256_cmp_ps(rs, _mm256_mul_ps(bs, _mm256_set1_ps(kRefineMinRatio)), _CMP_GE_OQ));
  ok = _mm256_and_ps(
      ok, _mm256_cmp_ps(rs, _mm256_mul_ps(bs, _mm256_set1_ps(kRefineMaxRatio)), _CMP_LE_OQ));
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

/// A tile of up to 8 groups: per-group range accumulators (filled group by group, see
/// finish_tile), then ranges, sums of x^2 and MinMax parameters with one lane per group.
struct TilePrep {
  int64_t g0;
  int count;
  bool fixed;  // every group has the compile-time length kN
  bool odd;    // a zero, non-finite or overflowing group: the per-group path takes this tile
  int64_t c0[8], n[8];
  __m256 lo_acc[8], hi_acc[8], x2_acc[8];
  __m256 lo, hi, raw, x2;
  Params8 p;
};

void start_tile(int64_t cols, int64_t group, int64_t g0, int count, bool fixed, TilePrep& tp) {
  tp.g0 = g0;
  tp.count = count;
  tp.fixed = fixed;
  for (int t = 0; t < 8; ++t) {
    tp.c0[t] = (g0 + t) * group;
    tp.n[t] = t < count ? std::min(group, cols - tp.c0[t]) : 0;
    tp.lo_acc[t] = tp.hi_acc[t] = tp.x2_acc[t] = _mm256_setzero_ps();
  }
}

template <int kN>
__attribute__((always_inline)) inline void range_group(const float* x, TilePrep& tp, int t) {
  if (kN > 0 && tp.fixed)
    range_block<true>(x + tp.c0[t], kN, tp.lo_acc[t], tp.hi_acc[t], &tp.x2_acc[t]);
  else
    range_block<true>(x + tp.c0[t], tp.n[t], tp.lo_acc[t], tp.hi_acc[t], &tp.x2_acc[t]);
}

void end_tile(const QuantScheme& scheme, TilePrep& tp) {
  const int bits = scheme.bits;
  const bool sym = scheme.symmetric;
  const __m256 lo = reduce8(tp.lo_acc, MinOp()), hi = reduce8(tp.hi_acc, MaxOp());
  tp.lo = lo;
  tp.x2 = reduce8(tp.x2_acc, AddOp());
  tp.raw = raw8(lo, hi, bits, sym);
  tp.hi = hi;
  tp.p = params8(lo, hi, tp.raw, _mm256_set1_ps(1.0f), bits, sym);
  __m256 odd = _mm256_cmp_ps(lo, hi, _CMP_EQ_OQ);
  odd = _mm256_or_ps(odd, _mm256_cmp_ps(lo, _mm256_set1_ps(-FLT_MAX), _CMP_LT_OQ));
  odd = _mm256_or_ps(odd, _mm256_cmp_ps(hi, _mm256_set1_ps(FLT_MAX), _CMP_GT_OQ));
  const __m128i too_big = _mm_cmpgt_epi16(tp.p.h, _mm_set1_epi16(0x7bff));
  odd = _mm256_or_ps(odd, _mm256_castsi256_ps(_mm256_cvtepi16_epi32(too_big)));
  tp.odd = (unsigned(_mm256_movemask_ps(odd)) & ((1u << tp.count) - 1)) != 0;
}

/// Search (if asked), codes and sums of a prepared tile. Returns false on a NaN (status set).
/// Group by group it also takes the range pass of the next tile `nt` (if any): two independent
/// streams of work side by side keep the core busy where one alone waits on its own latencies.
template <int kN>
bool finish_tile(const float* x, const TilePrep& tp, const QuantScheme& scheme, uint8_t* codes,
                 RowOutput out, ErrorSums& acc, RowResult& status, TilePrep* nt) {
  const int bits = scheme.bits, max_code = scheme.max_code(), count = tp.count;
  const bool sym = scheme.symmetric;
  Params8 best = tp.p;
  if (scheme.method == Method::Search) {
    TileParams chosen;
    chosen.store(tp.p);
    search_tile(x, tp.c0, tp.n, count, tp.lo, tp.hi, tp.raw, bits, sym, chosen);
    best = chosen.load();
  }
  const __m256i zero_i = _mm256_cvtps_epi32(best.zero);

  __m256 e2[8], rr[8], mx = _mm256_setzero_ps();
  for (int t = 0; t < 8; ++t) e2[t] = rr[t] = _mm256_setzero_ps();
  const bool minmax = scheme.method == Method::MinMax;
  for (int t = 0; t < count; ++t) {
    const VStep st(best, zero_i, t, max_code);
    const int64_t n = kN ? kN : tp.n[t];
    const FinishAcc a = minmax
                            ? finish_block<false, false>(x + tp.c0[t], n, st, codes + tp.c0[t], mx)
                            : finish_block<false, true>(x + tp.c0[t], n, st, codes + tp.c0[t], mx);
    e2[t] = a.e2;
    rr[t] = a.rr;
    if (nt && t < nt->count) range_group<kN>(x, *nt, t);
  }
  for (int t = count; nt && t < nt->count; ++t) range_group<kN>(x, *nt, t);
  const __m256 ve2 = reduce8(e2, AddOp());
  const unsigned lanes = (1u << count) - 1;
  if (const unsigned nan =
          unsigned(_mm256_movemask_ps(_mm256_cmp_ps(ve2, ve2, _CMP_UNORD_Q))) & lanes) {
    const int t = __builtin_ctz(nan);
    status = {RowStatus::NonFinite, tp.c0[t] + first_non_finite(x + tp.c0[t], tp.n[t])};
    return false;
  }
  // add_block_sums() for the 8 lanes in double vectors; the sequential adds below keep
  // process_group's order.
  alignas(32) double dx2[8], dy2[8], dxy[8], de2[8];
  const __m256 vx2 = tp.x2, vrr = reduce8(rr, AddOp()), vs = best.scale;
  for (int h = 0; h < 2; ++h) {
    auto half = [h](__m256 v) {
      return _mm256_cvtps_pd(h ? _mm256_extractf128_ps(v, 1) : _mm256_castps256_ps128(v));
    };
    const __m256d bx2 = half(vx2), be2 = half(ve2), bs = half(vs);
    const __m256d by2 = _mm256_mul_pd(_mm256_mul_pd(bs, bs), half(vrr));
    const __m256d bxy =
        _mm256_mul_pd(_mm256_set1_pd(0.5), _mm256_sub_pd(_mm256_add_pd(bx2, by2), be2));
    _mm256_store_pd(dx2 + 4 * h, bx2);
    _mm256_store_pd(dy2 + 4 * h, by2);
    _mm256_store_pd(dxy + 4 * h, bxy);
    _mm256_store_pd(de2 + 4 * h, be2);
  }
  alignas(16) uint16_t sh[8], zh[8];  // integer zero points: F16C converts them exactly
  _mm_store_si128((__m128i*)sh, best.h);
  _mm_store_si128((__m128i*)zh, _mm256_cvtps_ph(best.zero, _MM_FROUND_TO_NEAREST_INT));
  // The same sequential double sums as process_group, in locals: through `acc` in memory each
  // add would wait on the previous store.
  ErrorSums s = acc;
  for (int t = 0; t < count; ++t) {
    s.sum_x2 += dx2[t];
    s.sum_y2 += dy2[t];
    s.sum_xy += dxy[t];
    s.sum_e2 += de2[t];
    s.count += tp.n[t];
  }
  float max_err;
  if (!max_abs_err(mx, max_err)) {
    __m256 ma = _mm256_setzero_ps();
    for (int t = 0; t < count; ++t)
      ma = max_abs_block(x + tp.c0[t], tp.n[t], VStep(best, zero_i, t, max_code), ma);
    max_err = lane_max8(ma);
  }
  s.max_abs_err = std::max(s.max_abs_err, double(max_err));
  acc = s;
  for (int t = 0; t < count; ++t) out.scales[tp.g0 + t] = sh[t];
  if (!sym && out.zeros)
    for (int t = 0; t < count; ++t) out.zeros[tp.g0 + t] = zh[t];
  return true;
}

template <int kN>
int64_t tiles_n(const float* x, int64_t cols, int64_t group, int64_t g0, int64_t groups,
                const QuantScheme& scheme, uint8_t* codes, RowOutput out, ErrorSums& acc,
                RowResult& status) {
  // One tile of lookahead: the next tile's range pass runs inside this tile's codes loop, and
  // its parameters (a long dependency chain) are ready before they are needed. The row's last
  // tile may hold a short group: it takes the general (runtime length) code.
  const int64_t full = cols / group;
  auto start = [&](int64_t g, TilePrep& tp) {
    const int count = int(std::min<int64_t>(kTileGroups, groups - g));
    start_tile(cols, group, g, count, kN > 0 && g + count <= full, tp);
  };
  // Two buffers swapped by pointer: copying a TilePrep would wait for all its stores to retire.
  TilePrep buf[2];
  TilePrep* cur = &buf[0];
  TilePrep* next = &buf[1];
  start(g0, *cur);
  for (int t = 0; t < cur->count; ++t) range_group<kN>(x, *cur, t);
  end_tile(scheme, *cur);
  for (;;) {
    if (cur->odd) return cur->g0;
    const int64_t g_next = cur->g0 + cur->count;
    TilePrep* nt = g_next < groups ? next : nullptr;
    if (nt) start(g_next, *nt);
    const bool ok = cur->fixed ? finish_tile<kN>(x, *cur, scheme, codes, out, acc, status, nt)
                               : finish_tile<0>(x, *cur, scheme, codes, out, acc, status, nt);
    if (!ok) return cur->g0;
    if (!nt) return groups;
    end_tile(scheme, *nt);
    std::swap(cur, next);
  }
}

}  // namespace

int64_t avx2_tiles(const float* x, int64_t cols, int64_t group, int64_t g0, int64_t groups,
                   const QuantScheme& scheme, uint8_t* codes, RowOutput out, ErrorSums& acc,
                   RowResult& status) {
  switch (group) {  // the common sizes get compile-time loops
    case 32:
      return tiles_n<32>(x, cols, group, g0, groups, scheme, codes, out, acc, status);
    case 64:
      return tiles_n<64>(x, cols, group, g0, groups, scheme, codes, out, acc, status);
    case 128:
      return tiles_n<128>(x, cols, group, g0, groups, scheme, codes, out, acc, status);
    default:
      return tiles_n<0>(x, cols, group, g0, groups, scheme, codes, out, acc, status);
  }
}

}  // namespace aq::qk
