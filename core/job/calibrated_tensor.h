#pragma once
// One tensor's calibrated quantization inside a job: its GPTQ factor, the block quantizer that
// compensates errors, and the output-error figures gathered as its blocks go by. Only the tensor
// being processed holds these (a few k x k matrices), whatever the size of the calibration file.
#include <optional>
#include <vector>

#include "calib/calibration_file.h"
#include "calib/calibration_options.h"
#include "calib/gptq.h"
#include "job/block_quantizer.h"
#include "util/result.h"

namespace aq {

class JobContext;
struct TensorInfo;
struct TensorPlan;

struct CalibratedTensor {
  const CalibrationLayer* layer = nullptr;
  GptqFactor factor;
  // Over every row so far: D^T D of the error D = W - Q and W^T W (k x k; k values for a 'diag'
  // layer). Any bucket's tr(D H_b D^T) is then <H_b, D^T D>: exact, one k x k product per bucket.
  std::vector<float> error_gram, weight_gram;
};

/// Reads the tensor's calibration and builds its factor. nullopt when the file has nothing for
/// this tensor (open_calibration() warned): it is then quantized data-free.
Result<std::optional<CalibratedTensor>> prepare_calibrated(JobContext& ctx, const TensorInfo& tensor, const TensorPlan& plan);

/// quantize_block's twin with error compensation. Rows are done in chunks of kGptqRowChunk
/// counted from the block's first row, so blocks must start at multiples of it.
BlockOutcome quantize_block_calibrated(JobContext& ctx, const TensorInfo& tensor, const TensorPlan& plan,
                                       CalibratedTensor& cal, const std::byte* data, int64_t rows, BlockBuffers& out);

/// The output error per bucket and under the weighted H, once every block is done.
Result<OutputError> measure_output_error(JobContext& ctx, const TensorInfo& tensor, CalibratedTensor& cal);

}  // namespace aq
