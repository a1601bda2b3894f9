#pragma once
// The dense linear algebra of error compensation (GPTQ), on plain row-major float arrays so that
// no Eigen type crosses this header. Two builds of the same code (gptq_math.inc): baseline x86-64
// and AVX2+FMA, chosen at run time like the quantization kernels.
#include <cstdint>

namespace aq {

struct GptqMath {
  const char* name;  // "scalar" or "avx2"
  /// a: a symmetric positive-definite k x k matrix. Replaced by its Cholesky factor L (A = L L^T)
  /// in the lower triangle, column-major (the upper triangle is left as it was); false when A is
  /// not positive definite.
  bool (*cholesky_in_place)(float* a, int64_t k);
  /// Columns [c0, c1) of L^-1 for that factor, written row-major into `inv` (k x k; only the
  /// block's rows c0.. are written, the rest of those columns is zero). Blocks are independent.
  void (*lower_inverse_columns)(const float* l, int64_t k, int64_t c0, int64_t c1, float* inv);
  /// C[m x n] -= A[m x depth] * B[depth x n]; row-major, with leading dimensions.
  void (*subtract_product)(float* c, int64_t ldc, const float* a, int64_t lda, const float* b, int64_t ldb, int64_t m,
                           int64_t n, int64_t depth);
  /// M[k x k] += D^T D for D [rows x k] (row-major; M kept whole, not just one triangle).
  void (*add_gram)(float* m, const float* d, int64_t rows, int64_t k);
};

/// sum_ij a_ij b_ij, in double: tr(D H D^T) = <H, D^T D> for a symmetric H.
double frobenius_dot(const float* a, const float* b, int64_t n);

/// AVX2 when the CPU has it (and AQ_KERNELS is not "scalar"), else the baseline build.
const GptqMath& best_gptq_math();
const GptqMath& scalar_gptq_math();

}  // namespace aq
