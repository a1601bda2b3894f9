#pragma once
// What quantization does to one layer's weights, as histograms: the original values, and for each
// scheme the dequantized values and the error (dequantized - original). The layer is quantized
// in memory with the engine's row kernels; nothing is written. The GUI's histogram view and the
// benchmark report draw these; neither does any quantization math itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "metrics/error_sums.h"
#include "quant/scheme.h"
#include "util/result.h"

namespace aq {

class ModelSource;

struct HistogramOptions {
  int bins = 120;
  /// At most this many elements are used: whole rows, evenly spaced over the tensor.
  int64_t max_elements = 1 << 20;
  /// The bins span [-q, q] for q this quantile of |value| (and of |error| for the error bins):
  /// trained weights are heavy-tailed, and bins over the full range would put almost every
  /// weight into the two or three middle bins. 1.0 spans everything.
  double range_quantile = 0.995;
};

/// Equal-width bins over [lo, hi]; values outside are counted in `below` / `above`.
struct Histogram {
  double lo = 0;
  double hi = 0;
  std::vector<uint64_t> counts;
  uint64_t below = 0;
  uint64_t above = 0;
  double bin_width() const { return counts.empty() ? 0 : (hi - lo) / double(counts.size()); }
  double bin_center(std::size_t i) const { return lo + (double(i) + 0.5) * bin_width(); }
};

struct SchemeHistogram {
  QuantScheme scheme;
  Histogram values;       // dequantized values, same bins as LayerHistograms::original
  Histogram errors;       // dequantized - original, same bins for every scheme
  TensorMetrics metrics;  // over the elements used
};

struct LayerHistograms {
  std::size_t index = 0;
  std::string name;
  int64_t rows_used = 0;
  int64_t cols = 0;
  int64_t elements = 0;  // rows_used * cols
  Histogram original;
  std::vector<SchemeHistogram> schemes;  // in the order asked
};

/// Reads up to options.max_elements of tensor `index` (F32/F16/BF16), and quantizes and
/// dequantizes those rows with each scheme using best_kernels(). An Error for other dtypes,
/// read failures, or values the kernels reject (NaN/Inf, scale overflow).
Result<LayerHistograms> layer_histograms(const ModelSource& source, std::size_t index,
                                         const std::vector<QuantScheme>& schemes,
                                         const HistogramOptions& options = {});

}  // namespace aq
