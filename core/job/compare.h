#pragma once
// compare: the per-tensor error of one model against another (an original against its quantized
// or dequantized output, say). Packed files are dequantized on the fly, block by block.
#include <filesystem>
#include <string>
#include <vector>

#include "io/open_options.h"
#include "metrics/error_sums.h"
#include "util/result.h"

namespace aq {

enum class CompareStatus {
  Compared,       // float tensors on both sides: metrics are set
  Identical,      // non-float tensors with equal bytes
  Different,      // non-float tensors whose bytes differ
  Missing,        // in the reference, not in the other model
  ShapeMismatch,  // present on both sides with different element counts or row shapes
  Extra,          // in the other model only
};
std::string_view compare_status_name(CompareStatus s);

struct TensorComparison {
  std::string name;
  std::vector<int64_t> shape;
  CompareStatus status = CompareStatus::Compared;
  ErrorSums sums;
  TensorMetrics metrics;
};

struct Comparison {
  std::vector<TensorComparison> tensors;
  ErrorSums total;  // over compared tensors
  std::size_t compared = 0, problems = 0;  // problems: missing, mismatched, different, extra
};

Result<Comparison> compare_models(const std::filesystem::path& reference, const std::filesystem::path& other,
                                  const OpenOptions& open = {});

}  // namespace aq
