#pragma once
// Per-run accuracy summary shown by the GUI's log, comparison table, size-vs-error chart and
// report: mean and worst layer over the quantized tensors, plus the whole-model figures from the
// engine's summed errors. Computed here, in the core, like everything else the GUI shows.
#include <cstddef>
#include <string>

#include "job/job.h"

namespace aq {

struct RunStats {
  std::size_t quantized_layers = 0;
  double mean_sqnr_db = 0;   // over layers with a finite SQNR
  double worst_sqnr_db = 0;  // lowest
  std::string worst_sqnr_layer;
  double mean_cosine = 1;
  double worst_cosine = 1;   // lowest
  std::string worst_cosine_layer;
  double mean_rel_error = 0;
  double worst_rel_error = 0;  // highest
  TensorMetrics overall;      // over every quantized weight of the model
};

RunStats run_stats(const JobResult& result);

}  // namespace aq
