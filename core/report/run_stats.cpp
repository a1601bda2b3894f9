#include "report/run_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace aq {

RunStats run_stats(const JobResult& r) {
  RunStats s;
  s.overall = metrics_from(r.quantized_error_sums);
  double sqnr_sum = 0, cos_sum = 0, rel_sum = 0;
  std::size_t sqnr_n = 0;
  s.worst_sqnr_db = std::numeric_limits<double>::infinity();
  for (const auto& t : r.tensors) {
    if (!t.quantized()) continue;
    ++s.quantized_layers;
    const auto& m = t.metrics;
    if (std::isfinite(m.sqnr_db)) {
      sqnr_sum += m.sqnr_db;
      ++sqnr_n;
    }
    if (m.sqnr_db < s.worst_sqnr_db) {
      s.worst_sqnr_db = m.sqnr_db;
      s.worst_sqnr_layer = t.name;
    }
    cos_sum += m.cosine;
    if (s.worst_cosine_layer.empty() || m.cosine < s.worst_cosine) {
      s.worst_cosine = m.cosine;
      s.worst_cosine_layer = t.name;
    }
    rel_sum += m.rel_fro_error;
    s.worst_rel_error = std::max(s.worst_rel_error, m.rel_fro_error);
  }
  if (s.quantized_layers) {
    s.mean_cosine = cos_sum / double(s.quantized_layers);
    s.mean_rel_error = rel_sum / double(s.quantized_layers);
  }
  s.mean_sqnr_db = sqnr_n ? sqnr_sum / double(sqnr_n) : std::numeric_limits<double>::infinity();
  if (!s.quantized_layers) s.worst_sqnr_db = std::numeric_limits<double>::infinity();
  return s;
}

}  // namespace aq
