#pragma once
// Per-run accuracy summary used by the comparison table, the size-vs-error chart and the report:
// mean and worst layer over the quantized tensors, plus the whole-model figures from the
// engine's summed errors. Plain C++ (no Qt) so the benchmark report can use it as is.
#include <cstddef>
#include <string>

#include "job/job.h"

namespace aqui {

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
  aq::TensorMetrics overall;   // over every quantized weight of the model
};

RunStats run_stats(const aq::JobResult& result);

}  // namespace aqui
