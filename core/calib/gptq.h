#pragma once
// Error compensation from calibration data (GPTQ, Frantar et al. 2022). Columns of a weight block
// are quantized one after another; each column's rounding error, scaled by the inverse Hessian
// H^-1 of the layer's inputs, is pushed onto the columns not yet quantized, so that the layer's
// output error tr(dW H dW^T) stays small rather than the weight error. Rows are independent:
// any block of rows can be done on its own, which is what streaming needs.
//
// Group parameters (scale, zero point) of ArrowQuant's integer schemes are chosen by the ordinary
// row kernel when a group's first column is reached, from the weights as updated so far; each
// column is then rounded with them. A ggml block is encoded whole when its first column is reached
// (the diagonal of H weighting its scale search), and its error propagates column by column.
#include <cstdint>
#include <string>
#include <vector>

#include "calib/gptq_math.h"
#include "quant/kernels.h"
#include "quant/scheme.h"
#include "util/result.h"

namespace aq {

struct GptqOptions {
  double damping = 0.01;   // added to H's diagonal, as a fraction of its mean
  bool act_order = false;  // columns by decreasing H_ii, with group parameters fixed up front
  bool compensate = true;  // false: round data-free, only measure the output error
};

/// What compensation needs of one layer, from its (weighted) H.
struct GptqFactor {
  int64_t k = 0;
  std::vector<float> u;          // k x k: upper factor of the damped H^-1; empty: no compensation
  std::vector<float> diag;       // H_ii / mean H_ii (undamped): importances for ggml encoders
  std::vector<int32_t> order;    // processing order of the columns; empty: natural
  double damping = 0;            // the damping used (fraction of the mean diagonal)
};

/// Builds the factor from H (k x k, consumed; or k values when `diagonal`, which gives importances
/// but no compensation). A matrix that is not positive definite gets 10x the damping, up to four
/// times; `note` then says so. Fails only on a matrix that stays singular or holds no signal.
Result<GptqFactor> make_gptq_factor(std::vector<float> h, int64_t k, bool diagonal, const GptqOptions& options,
                                    const GptqMath& math, std::string& note);

/// Rows processed together: the lazy block updates are products of this many rows. A fixed
/// number, with blocks starting at multiples of it, so that streaming and batch runs compute
/// exactly the same numbers.
inline constexpr int64_t kGptqRowChunk = 32;

/// One chunk of at most kGptqRowChunk rows. `w` holds the rows as floats ([rows x cols], row
/// stride cols) and is used as the working copy; `q` receives the dequantized values. Codes go
/// where `out(r)` says (for ggml types, `codes` holds the row's blocks).
struct GptqChunk {
  float* w;
  float* q;
  int64_t rows;
  RowOutput (*out)(void* ctx, int64_t row);
  void* out_ctx;
};

/// Rows laid out back to back in plain buffers (a block's codes, scales and zero points): `at`
/// gives row first_row + r's RowOutput, for GptqChunk::out. `zeros` is null for symmetric schemes.
struct RowBuffers {
  uint8_t* codes;
  uint16_t* scales;
  uint16_t* zeros;
  const PackedLayout* layout;
  int64_t first_row;
  static RowOutput at(void* self, int64_t r);
};

RowResult gptq_quantize_chunk(const KernelSet& kernels, const GptqMath& math, const QuantScheme& scheme,
                              const GptqFactor& factor, const GptqChunk& chunk, int64_t* failed_row);

}  // namespace aq
