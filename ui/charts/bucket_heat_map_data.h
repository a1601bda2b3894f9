#pragma once
// The numbers behind the timestep heat map: per calibrated layer, its output SQNR in each
// timestep bucket, -10 log10(bucket_relative). Kept in model order whatever order the tensors
// finish in.
#include <QString>
#include <cstddef>
#include <utility>
#include <vector>

#include "job/job.h"

namespace aqui {

struct HeatMapLayer {
  std::size_t index = 0;   // the tensor's position in the model (the accuracy chart's x)
  QString name;
  std::vector<double> db;  // per bucket: NaN for an empty bucket, +inf where the error is zero
};

class BucketHeatMapData {
 public:
  void clear() { layers_.clear(); buckets_ = 0; }
  /// Adds the tensors of `results` that have per-bucket output errors; true if any was added.
  bool add(const std::vector<aq::TensorResult>& results);

  bool empty() const { return layers_.empty(); }
  int layerCount() const { return int(layers_.size()); }
  int bucketCount() const { return buckets_; }
  const HeatMapLayer& layer(int i) const { return layers_[std::size_t(i)]; }
  /// Cell (layer i, bucket b); NaN outside the map.
  double db(int i, int b) const;
  /// The smallest and largest finite value (NaN, NaN when there is none).
  std::pair<double, double> range() const;
  bool hasMissing() const;  // any NaN cell (an empty bucket)

 private:
  std::vector<HeatMapLayer> layers_;  // sorted by index
  int buckets_ = 0;
};

/// -10 log10(relative): NaN for NaN or a negative value, +inf for zero.
double bucketDb(double relative);

}  // namespace aqui
