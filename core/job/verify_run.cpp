#include "job/verify_run.h"

#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace aq {

RunVerification verify_run(const JobResult& run, const Comparison& read_back, double tolerance_db) {
  std::unordered_map<std::string, const TensorComparison*> by_name;
  for (const auto& t : read_back.tensors) by_name[t.name] = &t;
  RunVerification v;
  for (const auto& t : run.tensors) {
    if (!t.quantized()) continue;
    const auto it = by_name.find(t.name);
    if (it == by_name.end() || it->second->status != CompareStatus::Compared) {
      ++v.missing;
      continue;
    }
    RunVerification::Tensor x;
    x.index = t.index;
    x.read_back_db = it->second->metrics.sqnr_db;
    const double reported = t.metrics.sqnr_db;
    // Two exact copies (infinite SQNR on both sides) match; otherwise compare the figures.
    x.difference_db = std::isinf(reported) && std::isinf(x.read_back_db) ? 0 : x.read_back_db - reported;
    x.matches = std::abs(x.difference_db) <= tolerance_db;
    if (!x.matches) ++v.mismatched;
    if (!(std::abs(x.difference_db) <= std::abs(v.largest_difference_db))) {  // NaN counts as largest
      v.largest_difference_db = x.difference_db;
      v.largest_difference_tensor = t.name;
    }
    v.tensors.push_back(x);
  }
  return v;
}

std::string RunVerification::summary(const std::string& file) const {
  char diff[64];
  std::snprintf(diff, sizeof diff, "%.4f dB", largest_difference_db);
  if (ok())
    return "all " + std::to_string(tensors.size()) + " quantized tensors read back from " + file +
           " match the run (largest difference " + diff + ")";
  std::string s = "the file " + file + " does not hold what the run measured:";
  if (missing) s += " " + std::to_string(missing) + " quantized tensors missing or unreadable;";
  if (mismatched)
    s += " " + std::to_string(mismatched) + " read back with another SQNR (largest difference " + diff + ", " +
         largest_difference_tensor + ");";
  if (tensors.empty() && !missing) s += " no quantized tensor to check;";
  s.pop_back();
  return s;
}

}  // namespace aq
