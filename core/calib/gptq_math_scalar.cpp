// The baseline build of gptq_math.inc (SSE2 Eigen), and the run-time choice between the builds.
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "calib/gptq_math.h"
#include "quant/kernels.h"

namespace aq {
namespace gptq_scalar {
#include "calib/gptq_math.inc"
}  // namespace gptq_scalar

namespace gptq_avx2 {
extern const GptqMath kMath;
}

double frobenius_dot(const float* a, const float* b, int64_t n) {
  double total = 0;
  for (int64_t i = 0; i < n; ++i) total += double(a[i]) * double(b[i]);
  return total;
}

const GptqMath& scalar_gptq_math() {
  static const GptqMath m{"scalar", gptq_scalar::cholesky_in_place, gptq_scalar::lower_inverse_columns, gptq_scalar::subtract_product,
                          gptq_scalar::add_gram};
  return m;
}

// The quantization kernels' choice decides (CPU features and AQ_KERNELS=scalar alike).
const GptqMath& best_gptq_math() {
  return std::strcmp(best_kernels().name, "avx2") == 0 ? gptq_avx2::kMath : scalar_gptq_math();
}

}  // namespace aq
