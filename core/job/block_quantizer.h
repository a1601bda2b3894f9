#pragma once
// Quantizes a block of rows of one tensor into packed buffers, rows in parallel, measuring the
// error as it goes. Both schedulers (streaming: many blocks per tensor; batch: one) and the
// estimate use this one function.
#include <cstdint>
#include <vector>

#include "metrics/error_sums.h"
#include "quant/kernels.h"

namespace aq {

class CancelToken;
struct TensorInfo;
struct TensorPlan;

struct BlockBuffers {
  std::vector<uint8_t> codes;
  std::vector<uint16_t> scales;
  std::vector<uint16_t> zeros;
  /// Sizes the buffers for `rows` rows of the plan's layout (never shrinks capacity).
  void resize_for(const TensorPlan& plan, int64_t rows);
};

struct BlockOutcome {
  ErrorSums sums;
  RowStatus status = RowStatus::Ok;  // the first failing row's status, if any
  int64_t row = -1;                  // that row, relative to the block
  int64_t col = -1;
  bool cancelled = false;
};

/// `data` holds rows [0, rows) of the block as the tensor's raw dtype.
BlockOutcome quantize_block(const KernelSet& kernels, const TensorInfo& tensor, const TensorPlan& plan,
                            const std::byte* data, int64_t rows, BlockBuffers& out, const CancelToken* cancel);

}  // namespace aq
