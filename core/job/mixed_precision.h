#pragma once
// Mixed precision under a size budget (--target-bpw, --target-size): each tensor the user's rules
// left to the defaults gets candidate schemes (bits and group sizes, or ggml types), each measured
// on a sample of the tensor's rows, and allocate_budget() (plan/budget.h) picks one per tensor.
// The error measured is the output error under the calibration H when the tensor has one (its
// compensation included, so what is measured is what will be written), the activation-weighted
// error for a 'diag' layer, and the weight error without a calibration file. With a file, tensors
// it has no data for keep their default scheme: their weight error would not compare.
#include <string>
#include <vector>

#include "calib/calibration_file.h"
#include "calib/calibration_options.h"
#include "calib/gptq_math.h"
#include "plan/budget.h"
#include "plan/plan.h"
#include "quant/kernels.h"
#include "util/result.h"

namespace aq {

class ModelSource;

struct BudgetContext {
  const ModelSource& source;
  const CalibrationFile* calibration;  // may be null
  const CalibrationOptions& calibration_options;
  const KernelSet& kernels;
  const GptqMath& math;
};

/// Rows of a tensor measured per candidate (all of them when it has fewer).
inline constexpr int64_t kBudgetSampleRows = 64;

/// Rewrites `plan` within the budget. `notes` receives one summary line.
Status apply_budget(const BudgetContext& ctx, const BudgetOptions& budget, Plan& plan, std::vector<std::string>& notes);

}  // namespace aq
