#pragma once
// What a run will produce, before running it: exact output size from the plan, and a time and a
// quality measured by quantizing a sample of the model's rows with the chosen settings.
#include <cstdint>
#include <string>
#include <vector>

#include "metrics/error_sums.h"

#include "plan/plan.h"

namespace aq {

class ModelSource;

struct RunEstimate {
  uint64_t input_bytes = 0;       // exact, from the plan (tensor data)
  uint64_t output_bytes = 0;      // exact, from the plan (tensor data)
  double bits_per_weight = 0;     // exact, from the plan
  double sample_mb_per_s = 0;     // measured on the sample
  uint64_t sample_bytes = 0;      // how much input was measured
  double seconds = 0;             // input bytes of the model / measured rate
  std::string size_warning;       // Plan::size_warning(): set when the output would not shrink

  /// Predicted accuracy: the weight error of the sampled rows (data-free rounding; a calibrated
  /// run compensates on top of it), per quantized tensor and over all of them.
  struct TensorQuality {
    std::size_t index = 0;  // into the source's tensors
    std::string name;
    ErrorSums sums;         // of the sampled rows
  };
  std::vector<TensorQuality> quality;
  ErrorSums quality_total;
  /// The sampled tensor with the lowest SQNR; null when nothing was sampled.
  const TensorQuality* worst_quality() const;

  /// Whether the output's tensor data would be smaller than the input's (Plan::shrinks()).
  bool shrinks() const { return output_bytes < input_bytes; }
};

/// Quantizes up to `sample_bytes` of rows, spread over the model's quantized tensors, on `threads`
/// threads (0: all), and extrapolates. Reads the source; writes nothing.
RunEstimate estimate_run(const ModelSource& source, const Plan& plan, int threads,
                         uint64_t sample_bytes = 16u << 20);

}  // namespace aq
