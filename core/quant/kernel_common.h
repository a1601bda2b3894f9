#pragma once
// Internal to core/quant: the two kernel sets, and the rare-path scans both use to name the
// offending column of a failing row.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "quant/kernels.h"

namespace aq::qk {

extern const KernelSet kScalarKernels;
extern const KernelSet kAvx2Kernels;  // only usable when the CPU has AVX2, FMA and F16C

/// A per-thread buffer of at least n bytes (slot 0: quantize, slot 1: dequantize), reused and
/// never shrunk: rows can be ~1e6 columns. Lives in a baseline translation unit so that no
/// std::vector code is compiled into the AVX2 one (inline functions are merged at link time).
uint8_t* scratch_bytes(int slot, int64_t n);

namespace {  // internal linkage: see range_search.h

/// Effective group length: group_size 0 (or larger than the row) means one group per row.
inline int64_t group_length(const QuantScheme& s, int64_t cols) {
  return (s.group_size <= 0 || s.group_size > cols) ? cols : s.group_size;
}

inline bool is_finite(float v) { return (std::bit_cast<uint32_t>(v) & 0x7f800000u) != 0x7f800000u; }

/// First index holding NaN or Inf, or -1.
inline int64_t first_non_finite(const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!is_finite(x[i])) return i;
  return -1;
}

/// First index holding something other than +-0 (in a group whose range is [0, 0]: a NaN).
inline int64_t first_non_zero(const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (x[i] != 0.0f) return i;
  return -1;
}

/// First index of the largest magnitude: the element that pushed the scale past fp16.
inline int64_t first_max_abs(const float* x, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (std::abs(x[i]) > std::abs(x[best])) best = i;
  return best;
}

}  // namespace
}  // namespace aq::qk
