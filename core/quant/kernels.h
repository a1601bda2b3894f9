#pragma once
// Row kernels: convert, quantize (with error sums), dequantize. Every kernel has a scalar
// reference; the AVX2 set is chosen at run time when the CPU has AVX2, FMA and F16C.
//
// Agreement contract (tested in tests/quant):
//  - to_f32 and dequantize_row: bit-identical between scalar and AVX2.
//  - quantize_row, MinMax: codes, scales and zeros bit-identical.
//  - quantize_row, Search: the chosen (scale, zero) may differ only where two candidates' squared
//    errors tie within float rounding; the group's squared error then agrees within 1e-5 relative.
//  - ErrorSums agree within 1e-9 relative (summation order differs).
#include <cstddef>
#include <cstdint>

#include "metrics/error_sums.h"
#include "quant/scheme.h"
#include "tensor/dtype.h"

namespace aq {

/// Where one row's packed output goes. `zeros` is null for symmetric schemes.
struct RowOutput {
  uint8_t* codes = nullptr;    // PackedLayout::row_bytes bytes
  uint16_t* scales = nullptr;  // groups_per_row fp16 values
  uint16_t* zeros = nullptr;   // groups_per_row fp16 values, or null
};

enum class RowStatus {
  Ok,
  NonFinite,      // a NaN or Inf in the input; nothing meaningful was written
  ScaleOverflow,  // a group's scale exceeds fp16's range (|x| too large); see docs/FORMAT.md
};

struct RowResult {
  RowStatus status = RowStatus::Ok;
  int64_t col = -1;  // first offending column, for the error message
};

struct KernelSet {
  const char* name;  // "scalar" or "avx2"
  /// Converts n elements of F32, F16 or BF16 to float.
  void (*to_f32)(DType dtype, const std::byte* src, float* dst, int64_t n);
  /// Quantizes one row of `cols` floats with `scheme` (bits 2/3/4/8, method) and adds the error of
  /// its dequantized values to `sums`. Scratch memory is thread-local inside the kernel.
  RowResult (*quantize_row)(const float* x, int64_t cols, const QuantScheme& scheme, RowOutput out,
                            ErrorSums& sums);
  /// Inverse of quantize_row's packing: writes `cols` floats.
  void (*dequantize_row)(const uint8_t* codes, const uint16_t* scales, const uint16_t* zeros,
                         int64_t cols, const QuantScheme& scheme, float* out);
};

const KernelSet& scalar_kernels();
/// The AVX2 set, or null when the CPU lacks AVX2/FMA/F16C.
const KernelSet* avx2_kernels();
/// AVX2 when available, else scalar. Setting AQ_KERNELS=scalar in the environment forces scalar.
const KernelSet& best_kernels();

}  // namespace aq
