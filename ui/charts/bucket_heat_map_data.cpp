#include "ui/charts/bucket_heat_map_data.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ui/util/format.h"

namespace aqui {

double bucketDb(double relative) {
  if (!(relative >= 0)) return std::numeric_limits<double>::quiet_NaN();
  if (relative == 0) return std::numeric_limits<double>::infinity();
  return -10.0 * std::log10(relative);
}

bool BucketHeatMapData::add(const std::vector<aq::TensorResult>& results) {
  bool added = false;
  for (const auto& t : results) {
    if (!t.quantized() || !t.output_error || t.output_error->bucket_relative.empty()) continue;
    HeatMapLayer l;
    l.index = t.index;
    l.name = qstr(t.name);
    for (double r : t.output_error->bucket_relative) l.db.push_back(bucketDb(r));
    buckets_ = std::max(buckets_, int(l.db.size()));  // one file, so the same for all layers
    auto pos = std::lower_bound(layers_.begin(), layers_.end(), l.index,
                                [](const HeatMapLayer& a, std::size_t i) { return a.index < i; });
    if (pos != layers_.end() && pos->index == l.index) *pos = std::move(l);  // a tensor reported again
    else layers_.insert(pos, std::move(l));
    added = true;
  }
  return added;
}

double BucketHeatMapData::db(int i, int b) const {
  if (i < 0 || i >= layerCount() || b < 0) return std::numeric_limits<double>::quiet_NaN();
  const auto& v = layers_[std::size_t(i)].db;
  return std::size_t(b) < v.size() ? v[std::size_t(b)] : std::numeric_limits<double>::quiet_NaN();
}

std::pair<double, double> BucketHeatMapData::range() const {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& l : layers_)
    for (double v : l.db)
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  if (lo > hi) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  return {lo, hi};
}

bool BucketHeatMapData::hasMissing() const {
  for (int i = 0; i < layerCount(); ++i)
    for (int b = 0; b < buckets_; ++b)
      if (std::isnan(db(i, b))) return true;
  return false;
}

}  // namespace aqui
