#pragma once
// Opens a run's calibration file and checks it against the model and the plan before any work:
// the bucket weights against the file's buckets, and each quantized tensor's input width against
// its layer's. A file that matches none of the quantized tensors is for another model.
#include <memory>
#include <string>
#include <vector>

#include "calib/calibration_file.h"
#include "calib/calibration_options.h"
#include "plan/plan.h"
#include "util/result.h"

namespace aq {

class ModelSource;

/// `warnings` gets one line naming the quantized tensors the file has no data for (they are
/// quantized data-free), if any.
Result<std::unique_ptr<CalibrationFile>> open_calibration(const CalibrationOptions& options, const ModelSource& source,
                                                          const Plan& plan, std::vector<std::string>& warnings);

/// What calibration a planned tensor gets, in words: "H, 10 buckets", "diagonal only", "none
/// (data-free)"; empty for a tensor that is not quantized.
std::string calibration_status(const CalibrationFile& file, const ModelSource& source, const TensorPlan& plan);

}  // namespace aq
