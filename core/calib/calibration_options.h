#pragma once
// What a run does with calibration data (--calibration, --damping, --act-order,
// --timestep-weights). Without a file nothing changes.
#include <filesystem>
#include <vector>

#include "calib/gptq.h"

namespace aq {

struct CalibrationOptions {
  std::filesystem::path file;            // docs/CALIBRATION.md; empty: data-free quantization
  GptqOptions gptq;
  std::vector<double> timestep_weights;  // one per bucket; empty: uniform

  bool enabled() const { return !file.empty(); }
};

/// A layer's output error, measured with the calibration data: relative error
/// tr(dW H dW^T) / tr(W H W^T) under the weighted H, and the same under each bucket's H_b.
struct OutputError {
  double relative = 0;
  double sqnr_db = 0;                   // -10 log10(relative); +inf when the error is zero
  std::vector<double> bucket_relative;  // per timestep bucket (NaN for an empty bucket)
  double damping = 0;                   // the damping used, as a fraction of H's mean diagonal
  bool compensated = false;             // false for a 'diag' layer: importances only
};

}  // namespace aq
