#pragma once
// A calibration file (docs/CALIBRATION.md): per weight tensor, the second moment of its inputs,
// H_b = sum x x^T over the input vectors seen in timestep bucket b, with their counts. Untrusted
// input: the structure is read in a probe process first, every dataset's type, rank and size is
// checked, and values are checked when read (finite, counts consistent).
//
// Only the structure is held; one tensor's matrices are read when that tensor is processed, one
// bucket at a time, so memory stays at a few k x k matrices whatever the file's size.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace aq {

struct CalibrationLayer {
  std::string name;            // the weight tensor's name in the model file
  bool diagonal = false;       // `diag` [B, k] instead of `hessian` [B, k, k]
  int64_t k = 0;               // input features: the weight's columns in ArrowQuant's row layout
  std::vector<double> counts;  // input vectors per bucket
};

class CalibrationFile {
 public:
  static Result<std::unique_ptr<CalibrationFile>> open(const std::filesystem::path& path);
  ~CalibrationFile();

  const std::filesystem::path& path() const { return path_; }
  int buckets() const { return buckets_; }
  const std::vector<int64_t>& bucket_edges() const { return edges_; }  // empty when absent
  std::size_t layer_count() const { return layers_.size(); }
  /// The layer recorded for a weight tensor, or null.
  const CalibrationLayer* find(const std::string& tensor) const;

  /// Bucket b of a layer, divided by its count: k*k floats (or k for a diagonal layer),
  /// symmetrised. All zeros for an empty bucket. Errors name the file and the tensor.
  Status read_bucket(const CalibrationLayer& layer, int b, std::vector<float>& out) const;
  /// sum_b w_b H_b / count_b over the non-empty buckets (weights: one per bucket).
  Status read_weighted(const CalibrationLayer& layer, const std::vector<double>& weights,
                       std::vector<float>& out) const;

 private:
  CalibrationFile() = default;
  static Result<std::unique_ptr<CalibrationFile>> open_unprobed(const std::filesystem::path& path);

  std::filesystem::path path_;
  long long file_id_ = -1;  // hid_t
  int buckets_ = 0;
  std::vector<int64_t> edges_;
  std::map<std::string, CalibrationLayer> layers_;
};

/// Parses --timestep-weights: B comma-separated non-negative numbers, not all zero.
Result<std::vector<double>> parse_timestep_weights(const std::string& text);

}  // namespace aq
