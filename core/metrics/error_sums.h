#pragma once
// Error figures of a quantized tensor, accumulated group by group while quantizing, so no second
// full-precision copy of the tensor is ever held.
#include <cstdint>

namespace aq {

/// Running sums over elements of the original x and its dequantized value y.
struct ErrorSums {
  double sum_x2 = 0;   // sum x^2
  double sum_y2 = 0;   // sum y^2
  double sum_xy = 0;   // sum x*y
  double sum_e2 = 0;   // sum (x-y)^2
  double max_abs_err = 0;
  int64_t count = 0;

  void merge(const ErrorSums& o);
};

struct TensorMetrics {
  double cosine = 1;          // x.y / (|x| |y|); 1 when both are zero
  double rel_fro_error = 0;   // |x-y| / |x|
  double sqnr_db = 0;         // 10 log10(sum x^2 / sum e^2); +inf when the error is exactly zero
  double max_abs_error = 0;
};

TensorMetrics metrics_from(const ErrorSums& s);

}  // namespace aq

namespace aq {
/// Adds n pairs (reference x, other y) to the sums. Used where both arrays exist (compare).
void accumulate(ErrorSums& sums, const float* x, const float* y, int64_t n);
}  // namespace aq
