#pragma once
// The per-row control flow shared by the scalar and AVX2 kernels: groups, status checks, the
// Search decision and the refinement step. Each kernel file instantiates it with its own Ops (the
// per-element passes), so both make the same decisions from the same numbers.
//
// Ops provides (all over one group of n floats, params as in range_search.h):
//   range(x, n, lo, hi)                 min/max with 0 included, NaN skipped
//   candidates(lo, hi, raw, bits, sym, set)  candidate_params for every kSearchFactors entry
//   sse_all(x, n, set, max_code, sse)   squared error of every candidate
//   sse(x, n, p, max_code)              squared error of one parameter set
//   ls_stats(x, n, p, max_code, sxr, srr)  sum x*r and r*r, r = code - zero
//   finish(x, n, p, max_code, clamp, codes, acc)  codes (one byte each) + error sums; false on
//                                       NaN; clamp = false promises codes need no clamping
//   pack(codes, n, bits, out)
//   kTileGroups, tiles(...)             optional: short groups kTileGroups at a time (AVX2), from
//                                       g0 until a tile needs process_group (returns its first
//                                       group) or the row ends; results identical to process_group
#include <algorithm>
#include <cmath>

#include "quant/kernel_common.h"
#include "quant/range_search.h"

namespace aq::qk {
namespace {  // internal linkage: see range_search.h

/// All Search candidates of one group, structure-of-arrays for the SIMD kernel.
struct CandidateSet {
  alignas(32) uint16_t scale_h[kCandidateSlots];
  alignas(32) float scale[kCandidateSlots];
  alignas(32) float inv[kCandidateSlots];
  alignas(32) float zero[kCandidateSlots];

  GroupParams get(int k) const { return {scale_h[k], scale[k], inv[k], zero[k]}; }
};

/// One block's float sums into the row's double sums. sum y^2 = scale^2 * sum r^2 is exact
/// (r are small integers, r^2 sums stay below 2^24 per block), and sum x*y follows from
/// x*y = (x^2 + y^2 - (x-y)^2) / 2, which saves the kernels a multiply-add per element.
inline void add_block_sums(ErrorSums& acc, float x2, float e2, float rr, float scale) {
  const double bx2 = x2, be2 = e2, by2 = double(scale) * double(scale) * double(rr);
  acc.sum_x2 += bx2;
  acc.sum_y2 += by2;
  acc.sum_xy += 0.5 * ((bx2 + by2) - be2);
  acc.sum_e2 += be2;
}

/// The refinement candidate for the best grid parameters p, given sum x*r and sum r*r of p's
/// codes: the least-squares scale rounded to fp16, if it is new and within the allowed ratio.
inline bool refine_candidate(const GroupParams& p, double sxr, double srr, GroupParams& q) {
  if (!(srr > 0)) return false;
  const uint16_t h = f32_to_fp16(float(sxr) / float(srr));
  const float s = fp16_to_f32(h);
  if (h == p.scale_h || !(s >= p.scale * kRefineMinRatio) || !(s <= p.scale * kRefineMaxRatio))
    return false;
  q = {h, s, 1.0f / s, p.zero};
  return true;
}

template <class Ops>
GroupParams search_group(const float* x, int64_t n, float lo, float hi, float raw, int bits,
                         bool sym) {
  const int max_code = (1 << bits) - 1;
  CandidateSet set;
  Ops::candidates(lo, hi, raw, bits, sym, set);
  double sse[kSearchCandidates];
  Ops::sse_all(x, n, set, max_code, sse);
  int best = 0;  // candidate 0 is MinMax; ties keep the earlier candidate
  for (int k = 1; k < kSearchCandidates; ++k)
    if (sse[k] < sse[best]) best = k;
  GroupParams p = set.get(best), q;
  double sxr = 0, srr = 0;
  Ops::ls_stats(x, n, p, max_code, sxr, srr);
  if (refine_candidate(p, sxr, srr, q) && Ops::sse(x, n, q, max_code) < sse[best]) p = q;
  return p;
}

/// Group g of a row, starting at column c0, n elements.
template <class Ops>
RowResult process_group(const float* x, int64_t c0, int64_t n, int64_t g, const QuantScheme& scheme,
                        uint8_t* codes, RowOutput out, ErrorSums& acc) {
  const int bits = scheme.bits;
  const bool sym = scheme.symmetric;
  const float* gx = x + c0;
  float lo, hi;
  Ops::range(gx, n, lo, hi);
  if (!is_finite(lo) || !is_finite(hi)) return {RowStatus::NonFinite, c0 + first_non_finite(gx, n)};
  if (lo == hi) {  // [0, 0]: all zeros (or NaNs, which min/max skip): scale 0, codes = zero
    if (const int64_t bad = first_non_zero(gx, n); bad >= 0)
      return {RowStatus::NonFinite, c0 + bad};
    std::fill(codes + c0, codes + c0 + n, uint8_t(sym ? 1 << (bits - 1) : 0));
    out.scales[g] = 0;
    if (!sym && out.zeros) out.zeros[g] = 0;
    acc.count += n;
    return {};
  }
  const float raw = raw_scale(lo, hi, bits, sym);
  GroupParams p = candidate_params(lo, hi, raw, 1.0f, bits, sym);
  if (p.scale_h >= kFp16Inf) {
    if (const int64_t bad = first_non_finite(gx, n); bad >= 0)
      return {RowStatus::NonFinite, c0 + bad};
    return {RowStatus::ScaleOverflow, c0 + first_max_abs(gx, n)};
  }
  const bool search = scheme.method == Method::Search;
  if (search) p = search_group<Ops>(gx, n, lo, hi, raw, bits, sym);
  if (!Ops::finish(gx, n, p, scheme.max_code(), search, codes + c0, acc))
    return {RowStatus::NonFinite, c0 + first_non_finite(gx, n)};
  out.scales[g] = p.scale_h;
  if (!sym && out.zeros) out.zeros[g] = f32_to_fp16(p.zero);
  return {};
}

template <class Ops>
RowResult quantize_row_with(const float* x, int64_t cols, const QuantScheme& scheme, RowOutput out,
                            ErrorSums& sums) {
  const int64_t group = group_length(scheme, cols);
  const int64_t groups = group == 0 ? 0 : (cols + group - 1) / group;
  // 8-bit codes are their own packing: write them in place unless a SIMD tail, which stores a
  // full 8 bytes, could run past the row (groups not multiples of 8). The scratch has spare bytes.
  const bool in_place = scheme.bits == 8 && group % 8 == 0 && cols % 8 == 0;
  uint8_t* codes = in_place ? out.codes : scratch_bytes(0, cols + 32);
  ErrorSums acc;
  int64_t g = 0;
  while (g < groups) {
    if constexpr (Ops::kTileGroups > 1) {
      if (group <= kSumBlock) {
        // Whole tiles from g on; it stops at a tile it cannot take (or at a NaN: status set).
        RowResult r;
        g = Ops::tiles(x, cols, group, g, groups, scheme, codes, out, acc, r);
        if (r.status != RowStatus::Ok) return r;
        // A zero, non-finite or overflowing group in tile g: take the careful path for it.
        const int64_t end = std::min<int64_t>(groups, g + Ops::kTileGroups);
        for (; g < end; ++g) {
          const int64_t c0 = g * group;
          r = process_group<Ops>(x, c0, std::min(group, cols - c0), g, scheme, codes, out, acc);
          if (r.status != RowStatus::Ok) return r;
        }
        continue;
      }
    }
    const int64_t c0 = g * group;
    const RowResult r =
        process_group<Ops>(x, c0, std::min(group, cols - c0), g, scheme, codes, out, acc);
    if (r.status != RowStatus::Ok) return r;
    ++g;
  }
  if (!in_place) Ops::pack(codes, cols, scheme.bits, out.codes);
  sums.merge(acc);
  return {};
}

}  // namespace
}  // namespace aq::qk
