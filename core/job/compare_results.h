#pragma once
// A comparison of a quantized file with its original, seen as a run's per-tensor results, so the
// front ends can show a measured GGUF (or packed file) with the same table and charts as a run.
#include <vector>

#include "io/logical_model.h"
#include "job/compare.h"
#include "job/job.h"

namespace aq {

/// One TensorResult per tensor of `quantized`, in its order (index = position there): quantized
/// when stored quantized (with its scheme), metrics and error sums from `c` when the comparison
/// measured it by name, bits per weight from its stored bytes. `c` is compare_models(original,
/// quantized).
std::vector<TensorResult> comparison_results(const Comparison& c, const LogicalModel& quantized);

}  // namespace aq
