#pragma once
// What `inspect` shows of a model: counts, sizes, dtypes, the largest tensors, the family.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan/family.h"

namespace aq {

class ModelSource;

struct DTypeTotals {
  std::size_t tensors = 0;
  int64_t params = 0;
  uint64_t bytes = 0;
};

struct ModelSummary {
  std::string path;
  std::string format;
  ModelFamily family = ModelFamily::Unknown;
  std::size_t files = 0;
  std::size_t tensors = 0;
  int64_t params = 0;
  uint64_t bytes = 0;
  std::map<std::string, DTypeTotals> by_dtype;
  std::map<std::string, std::size_t> by_component;  // diffusers components (empty for single files)
  std::vector<std::size_t> largest;                 // tensor indices, largest first (at most 10)
  std::vector<std::string> warnings;
};

ModelSummary summarize(const ModelSource& source);
nlohmann::json summary_to_json(const ModelSummary& summary, const ModelSource& source);
std::string format_summary(const ModelSummary& summary, const ModelSource& source);

}  // namespace aq
