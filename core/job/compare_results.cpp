#include "job/compare_results.h"

#include <unordered_map>

namespace aq {

std::vector<TensorResult> comparison_results(const Comparison& c, const LogicalModel& quantized) {
  std::unordered_map<std::string, const TensorComparison*> measured;
  for (const auto& t : c.tensors)
    if (t.status == CompareStatus::Compared) measured.emplace(t.name, &t);
  const auto& stored = quantized.source().tensors();
  std::vector<TensorResult> out;
  const auto& tensors = quantized.tensors();
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const LogicalTensor& t = tensors[i];
    TensorResult r;
    r.index = i;
    r.name = t.name;
    r.dtype = std::string(dtype_name(t.dtype));
    r.shape = t.shape;
    r.params = t.rows * t.cols;
    r.decision = t.quantized ? Decision::Quantize : Decision::KeepNotFloat;
    r.reason = t.quantized ? "stored as " + t.scheme.describe() : "stored as " + stored[t.data].type_name();
    r.scheme = t.scheme;
    r.output_bytes = t.quantized ? t.layout.total_bytes() : stored[t.data].nbytes;
    r.bits_per_weight = r.params ? 8.0 * double(r.output_bytes) / double(r.params) : 0;
    if (auto it = measured.find(t.name); it != measured.end()) {
      r.error_sums = it->second->sums;
      r.metrics = it->second->metrics;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace aq
