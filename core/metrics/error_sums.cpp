#include "metrics/error_sums.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace aq {

void ErrorSums::merge(const ErrorSums& o) {
  sum_x2 += o.sum_x2;
  sum_y2 += o.sum_y2;
  sum_xy += o.sum_xy;
  sum_e2 += o.sum_e2;
  max_abs_err = std::max(max_abs_err, o.max_abs_err);
  count += o.count;
}

TensorMetrics metrics_from(const ErrorSums& s) {
  TensorMetrics m;
  const double nx = std::sqrt(s.sum_x2), ny = std::sqrt(s.sum_y2);
  if (nx > 0 && ny > 0)
    m.cosine = std::clamp(s.sum_xy / (nx * ny), -1.0, 1.0);
  else
    m.cosine = (nx == 0 && ny == 0) ? 1.0 : 0.0;
  m.rel_fro_error = nx > 0 ? std::sqrt(s.sum_e2) / nx : (s.sum_e2 > 0 ? std::numeric_limits<double>::infinity() : 0.0);
  if (s.sum_e2 > 0)
    m.sqnr_db = s.sum_x2 > 0 ? 10.0 * std::log10(s.sum_x2 / s.sum_e2) : -std::numeric_limits<double>::infinity();
  else
    m.sqnr_db = std::numeric_limits<double>::infinity();
  m.max_abs_error = s.max_abs_err;
  return m;
}

}  // namespace aq

namespace aq {
void accumulate(ErrorSums& s, const float* x, const float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double a = x[i], b = y[i], e = a - b;
    s.sum_x2 += a * a;
    s.sum_y2 += b * b;
    s.sum_xy += a * b;
    s.sum_e2 += e * e;
    s.max_abs_err = std::max(s.max_abs_err, std::abs(e));
  }
  s.count += n;
}
}  // namespace aq
