// The AVX2+FMA build of gptq_math.inc (compiled with -mavx2 -mfma -mf16c, see core/CMakeLists.txt).
// Eigen's namespace is renamed here: its inline functions then have names of their own, and the
// linker cannot hand their AVX2 code to the baseline build.
#define Eigen aq_eigen_avx2
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cmath>

#include "calib/gptq_math.h"

namespace aq::gptq_avx2 {
#include "calib/gptq_math.inc"

extern const GptqMath kMath;
const GptqMath kMath{"avx2", cholesky_in_place, lower_inverse_columns, subtract_product, add_gram};
}  // namespace aq::gptq_avx2
