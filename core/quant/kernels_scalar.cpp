// The reference kernels. Plain C++ on purpose; the only concession to the SIMD kernel is the
// summation order (8 lanes, blocks of kSumBlock, see range_search.h), which both must share to
// agree bit for bit.
#include "quant/fp_strict.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "quant/bit_pack.h"
#include "quant/kernel_common.h"
#include "quant/range_search.h"
#include "quant/row_driver.h"
#include "tensor/half.h"

namespace aq::qk {
namespace {

void to_f32(DType dtype, const std::byte* src, float* dst, int64_t n) {
  switch (dtype) {
    case DType::F32:
      if (n > 0) std::memcpy(dst, src, std::size_t(n) * 4);
      return;
    case DType::F16:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        dst[i] = fp16_to_f32(h);
      }
      return;
    case DType::BF16:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        dst[i] = bf16_to_f32(h);
      }
      return;
    default:
      return;  // only quantizable dtypes reach the kernels
  }
}

/// The clamped step count r = code - zero for x; y = r * scale is what a decoder reconstructs.
struct Stepper {
  float inv, rlo, rhi;
  Stepper(const GroupParams& p, int max_code)
      : inv(p.inv), rlo(-p.zero), rhi(float(max_code) - p.zero) {}
  float operator()(float x) const { return min_ps(max_ps(round_even(x * inv), rlo), rhi); }
};

struct ScalarOps {
  static constexpr int kTileGroups = 1;

  static void range(const float* x, int64_t n, float& lo, float& hi) {
    float l = 0.0f, h = 0.0f;  // 0 is always in the range
    for (int64_t i = 0; i < n; ++i) {
      l = min_ps(x[i], l);
      h = max_ps(x[i], h);
    }
    lo = l;
    hi = h;
  }

  static void candidates(float lo, float hi, float raw, int bits, bool sym, CandidateSet& set) {
    for (int k = 0; k < kSearchCandidates; ++k) {
      const GroupParams p = candidate_params(lo, hi, raw, kSearchFactors[k], bits, sym);
      set.scale_h[k] = p.scale_h;
      set.scale[k] = p.scale;
      set.inv[k] = p.inv;
      set.zero[k] = p.zero;
    }
  }

  static double sse(const float* x, int64_t n, const GroupParams& p, int max_code) {
    const Stepper step(p, max_code);
    double total = 0;
    for (int64_t b = 0; b < n; b += kSumBlock) {
      float l[kLanes] = {};
      const int64_t end = std::min(n, b + kSumBlock);
      for (int64_t i = b; i < end; ++i) {
        const float e = x[i] - step(x[i]) * p.scale;
        l[(i - b) % kLanes] += e * e;
      }
      total += lane_sum(l);
    }
    return total;
  }

  static void sse_all(const float* x, int64_t n, const CandidateSet& set, int max_code,
                      double* out) {
    for (int k = 0; k < kSearchCandidates; ++k) out[k] = sse(x, n, set.get(k), max_code);
  }

  static void ls_stats(const float* x, int64_t n, const GroupParams& p, int max_code, double& sxr,
                       double& srr) {
    const Stepper step(p, max_code);
    sxr = srr = 0;
    for (int64_t b = 0; b < n; b += kSumBlock) {
      float lxr[kLanes] = {}, lrr[kLanes] = {};
      const int64_t end = std::min(n, b + kSumBlock);
      for (int64_t i = b; i < end; ++i) {
        const float r = step(x[i]);
        lxr[(i - b) % kLanes] += x[i] * r;
        lrr[(i - b) % kLanes] += r * r;
      }
      sxr += lane_sum(lxr);
      srr += lane_sum(lrr);
    }
  }

  static bool finish(const float* x, int64_t n, const GroupParams& p, int max_code, bool /*clamp*/,
                     uint8_t* codes, ErrorSums& acc) {
    const Stepper step(p, max_code);
    float max_err = 0;
    bool finite = true;
    for (int64_t b = 0; b < n; b += kSumBlock) {
      float x2[kLanes] = {}, e2[kLanes] = {}, rr[kLanes] = {};
      const int64_t end = std::min(n, b + kSumBlock);
      for (int64_t i = b; i < end; ++i) {
        const float r = step(x[i]);
        const float e = x[i] - r * p.scale;
        codes[i] = uint8_t(int(r + p.zero));
        const int64_t j = (i - b) % kLanes;
        x2[j] += x[i] * x[i];
        e2[j] += e * e;
        rr[j] += r * r;
        max_err = max_ps(std::fabs(e), max_err);
      }
      const float block_e2 = lane_sum(e2);
      finite = finite && !std::isnan(block_e2);
      add_block_sums(acc, lane_sum(x2), block_e2, lane_sum(rr), p.scale);
    }
    acc.max_abs_err = std::max(acc.max_abs_err, double(max_err));
    acc.count += n;
    return finite;
  }

  static void pack(const uint8_t* codes, int64_t n, int bits, uint8_t* out) {
    pack_codes(codes, n, bits, out);
  }
};

RowResult quantize_row(const float* x, int64_t cols, const QuantScheme& scheme, RowOutput out,
                       ErrorSums& sums) {
  return quantize_row_with<ScalarOps>(x, cols, scheme, out, sums);
}

void dequantize_row(const uint8_t* packed, const uint16_t* scales, const uint16_t* zeros,
                    int64_t cols, const QuantScheme& scheme, float* out) {
  uint8_t* codes = scratch_bytes(1, cols);
  unpack_codes(packed, cols, scheme.bits, codes);
  const int64_t group = group_length(scheme, cols);
  const float sym_zero = float(1 << (scheme.bits - 1));
  for (int64_t c0 = 0, g = 0; c0 < cols; c0 += group, ++g) {
    const int64_t end = std::min(cols, c0 + group);
    const float s = fp16_to_f32(scales[g]);
    const float z = (scheme.symmetric || !zeros) ? sym_zero : fp16_to_f32(zeros[g]);
    for (int64_t i = c0; i < end; ++i) out[i] = (float(codes[i]) - z) * s;
  }
}

}  // namespace

const KernelSet kScalarKernels = {"scalar", to_f32, quantize_row, dequantize_row};

}  // namespace aq::qk
