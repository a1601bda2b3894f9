// AVX2 + F16C kernel set: 8 floats per step, the same IEEE operations in the same order as the
// scalar reference (see range_search.h and simd_avx2.h), so results are bit-identical. No FMA on
// purpose. Groups of up to kSumBlock go through tiles_avx2.cpp, longer ones group by group here.
#include "quant/fp_strict.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "quant/bit_pack.h"
#include "quant/simd_avx2.h"
#include "tensor/half.h"

namespace aq::qk {
namespace {

struct Avx2Ops {
  static constexpr int kTileGroups = 8;

  static void range(const float* x, int64_t n, float& lo, float& hi) {
    __m256 l = _mm256_setzero_ps(), h = l;
    for (int64_t b = 0; b < n; b += kSumBlock) {  // min/max are exact: any order will do
      __m256 bl, bh;
      range_block<false>(x + b, std::min(kSumBlock, n - b), bl, bh);
      l = _mm256_min_ps(bl, l);
      h = _mm256_max_ps(bh, h);
    }
    lo = lane_min8(l);
    hi = lane_max8(h);
  }

  static void candidates(float lo, float hi, float raw, int bits, bool sym, CandidateSet& set) {
    for (int k = 0; k < kCandidateSlots; k += 8) {
      const Params8 p = params8(_mm256_set1_ps(lo), _mm256_set1_ps(hi), _mm256_set1_ps(raw),
                                _mm256_load_ps(kFactors.f + k), bits, sym);
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

  static void sse_all(const float* x, int64_t n, const CandidateSet& set, int max_code,
                      double* out) {
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

  static bool finish(const float* x, int64_t n, const GroupParams& p, int max_code, bool clamp,
                     uint8_t* codes, ErrorSums& acc) {
    const VStep st(p, max_code);
    __m256 mx = _mm256_setzero_ps();
    bool finite = true;
    for (int64_t b = 0; b < n; b += kSumBlock) {
      const int64_t bn = std::min(kSumBlock, n - b);
      const FinishAcc a = clamp ? finish_block<true, true>(x + b, bn, st, codes + b, mx)
                                : finish_block<true, false>(x + b, bn, st, codes + b, mx);
      const float e2 = lane_sum8(a.e2);
      finite = finite && !std::isnan(e2);
      add_block_sums(acc, lane_sum8(a.x2), e2, lane_sum8(a.rr), p.scale);
    }
    float max_err;
    if (!max_abs_err(mx, max_err)) {
      __m256 ma = _mm256_setzero_ps();
      for (int64_t b = 0; b < n; b += kSumBlock)
        ma = max_abs_block(x + b, std::min(kSumBlock, n - b), st, ma);
      max_err = lane_max8(ma);
    }
    acc.max_abs_err = std::max(acc.max_abs_err, double(max_err));
    acc.count += n;
    return finite;
  }

  static void pack(const uint8_t* codes, int64_t n, int bits, uint8_t* out) {
    pack_codes_avx2(codes, n, bits, out);
  }

  static int64_t tiles(const float* x, int64_t cols, int64_t group, int64_t g0, int64_t groups,
                       const QuantScheme& scheme, uint8_t* codes, RowOutput out, ErrorSums& acc,
                       RowResult& status) {
    return avx2_tiles(x, cols, group, g0, groups, scheme, codes, out, acc, status);
  }
};

// F16C quiets signalling NaNs (sets mantissa bit 9 -> bit 22); fp16_to_f32 keeps the payload as
// is, so lanes that held an fp16 sNaN get that bit cleared again. Only runs when a NaN is present.
inline __m256 fix_snan(__m128i h, __m256 f) {
  const __m128i mag = _mm_and_si128(h, _mm_set1_epi16(0x7fff));
  const __m128i nan = _mm_cmpgt_epi16(mag, _mm_set1_epi16(0x7c00));
  if (_mm_movemask_epi8(nan) == 0) return f;
  const __m128i snan = _mm_andnot_si128(_mm_cmpgt_epi16(mag, _mm_set1_epi16(0x7dff)), nan);
  const __m256i quiet =
      _mm256_and_si256(_mm256_cvtepi16_epi32(snan), _mm256_set1_epi32(0x00400000));
  return _mm256_andnot_ps(_mm256_castsi256_ps(quiet), f);
}

void to_f32(DType dtype, const std::byte* src, float* dst, int64_t n) {
  int64_t i = 0;
  switch (dtype) {
    case DType::F32:
      if (n > 0) std::memcpy(dst, src, std::size_t(n) * 4);
      return;
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
    default:
      return;
  }
}

RowResult quantize_row(const float* x, int64_t cols, const QuantScheme& scheme, RowOutput out,
                       ErrorSums& sums) {
  return quantize_row_with<Avx2Ops>(x, cols, scheme, out, sums);
}

void dequantize_row(const uint8_t* packed, const uint16_t* scales, const uint16_t* zeros,
                    int64_t cols, const QuantScheme& scheme, float* out) {
  uint8_t* codes = scratch_bytes(1, cols);
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
