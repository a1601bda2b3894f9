#pragma once
// The per-row control flow shared by the scalar and AVX2 kernels: groups, status checks, the
// Search decision and the refinement step. Each kernel file instantiates it with its own Ops (the
// per-element passes), so both make the same decisions from the same numbers.
//
// Ops provides (all over one group of n floats, params as in range_search.h):
//   range(x, n, lo, hi)                 min/max with 0 included, NaN skipped
//   candidates(lo, hi, bits, sym, set)  candidate_params for every kSearchFactors entry
//   sse_all(x, n, set, max_code, sse)   squared error of every candidate
//   sse(x, n, p, max_code)              squared error of one parameter set
//   ls_stats(x, n, p, max_code, sxr, srr)  sum x*r and r*r, r = code - zero
//   finish(x, n, p, max_code, codes, acc)  codes (one byte each) + error sums; false on NaN
//   pack(codes, n, bits, out)
//   kTileGroups, tile(...)              optional batch of up to kTileGroups short groups (AVX2);
//                                       must give exactly what process_group gives, group by group
#include <algorithm>
#include <cmath>
#include <vector>

#include "quant/kernel_common.h"
#include "quant/range_search.h"

namespace aq::qk {

/// All Search candidates of one group, structure-of-arrays for the SIMD kernel.
struct CandidateSet {
  alignas(32) uint16_t scale_h[kSearchCandidates];
  alignas(32) float scale[kSearchCandidates];
  alignas(32) float inv[kSearchCandidates];
  alignas(32) float zero[kSearchCandidates];

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
GroupParams search_group(const float* x, int64_t n, float lo, float hi, int bits, bool sym) {
  const int max_code = (1 << bits) - 1;
  CandidateSet set;
  Ops::candidates(lo, hi, bits, sym, set);
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
    if (const int64_t bad = first_non_zero(gx, n); bad >= 0) return {RowStatus::NonFinite, c0 + bad};
    std::fill(codes + c0, codes + c0 + n, uint8_t(sym ? 1 << (bits - 1) : 0));
    out.scales[g] = 0;
    if (!sym && out.zeros) out.zeros[g] = 0;
    acc.count += n;
    return {};
  }
  GroupParams p = candidate_params(lo, hi, 1.0f, bits, sym);
  if (p.scale_h >= kFp16Inf) {
    if (const int64_t bad = first_non_finite(gx, n); bad >= 0) return {RowStatus::NonFinite, c0 + bad};
    return {RowStatus::ScaleOverflow, c0 + first_max_abs(gx, n)};
  }
  if (scheme.method == Method::Search) p = search_group<Ops>(gx, n, lo, hi, bits, sym);
  if (!Ops::finish(gx, n, p, scheme.max_code(), codes + c0, acc))
    return {RowStatus::NonFinite, c0 + first_non_finite(gx, n)};
  out.scales[g] = p.scale_h;
  if (!sym && out.zeros) out.zeros[g] = f32_to_fp16(p.zero);
  return {};
}

template <class Ops>
RowResult quantize_row_with(const float* x, int64_t cols, const QuantScheme& scheme, RowOutput out,
                            ErrorSums& sums) {
  thread_local std::vector<uint8_t> t_codes;
  const int64_t group = group_length(scheme, cols);
  const int64_t groups = group == 0 ? 0 : (cols + group - 1) / group;
  // Spare bytes: a SIMD tail may write a full vector of codes past the group end.
  uint8_t* codes = scratch(t_codes, cols + 32);
  ErrorSums acc;
  for (int64_t g = 0; g < groups;) {
    if constexpr (Ops::kTileGroups > 1) {
      if (group <= kSumBlock) {
        const int count = int(std::min<int64_t>(Ops::kTileGroups, groups - g));
        RowResult r;
        if (!Ops::tile(x, cols, group, g, count, scheme, codes, out, acc, r)) {
          // A zero, non-finite or overflowing group in the batch: take the careful path.
          for (int t = 0; t < count && r.status == RowStatus::Ok; ++t) {
            const int64_t c0 = (g + t) * group;
            r = process_group<Ops>(x, c0, std::min(group, cols - c0), g + t, scheme, codes, out, acc);
          }
        }
        if (r.status != RowStatus::Ok) return r;
        g += count;
        continue;
      }
    }
    const int64_t c0 = g * group;
    const RowResult r = process_group<Ops>(x, c0, std::min(group, cols - c0), g, scheme, codes, out, acc);
    if (r.status != RowStatus::Ok) return r;
    ++g;
  }
  Ops::pack(codes, cols, scheme.bits, out.codes);
  sums.merge(acc);
  return {};
}

}  // namespace aq::qk
