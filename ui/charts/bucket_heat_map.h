#pragma once
// Output SQNR per layer and timestep bucket, from a calibrated run: how the quantization error
// of each layer depends on the noise level. A widget that paints its own heat map (sharper and
// simpler than a Qt Charts series for a grid of cells); hovering a cell names it.
#include <QString>
#include <cstdint>
#include <vector>

#include "job/job.h"
#include "ui/charts/bucket_heat_map_data.h"
#include "ui/charts/chart_panel.h"

namespace aqui {

class HeatMapCanvas;

class BucketHeatMap : public ChartPanel {
  Q_OBJECT
 public:
  explicit BucketHeatMap(QWidget* parent = nullptr);

  QString title() const override { return title_; }
  QString key() const override { return "timestep-heatmap"; }
  void clear() override;
  bool isEmpty() const override { return data_.empty(); }
  /// Cells drawn: calibrated layers x buckets.
  int pointCount() const override { return data_.layerCount() * data_.bucketCount(); }
  QImage renderImage(QSize size = kExportSize, qreal scale = 2.0) override;
  QByteArray renderSvg(QSize size = kExportSize) override;
  void setDarkTheme(bool dark) override;
  bool darkTheme() const override { return dark_; }
  void resetZoom() override {}

  /// Adds the tensors with per-bucket output errors (others are ignored).
  void addResults(const std::vector<aq::TensorResult>& results);
  /// The calibration file's bucket_edges, to label buckets with timesteps; ignored unless
  /// they match the buckets of the data (empty: buckets are numbered).
  void setBucketEdges(std::vector<int64_t> edges);
  const BucketHeatMapData& data() const { return data_; }
  /// The tooltip text of a cell (what hovering it shows).
  QString cellText(int layer, int bucket) const;

 protected:
  void changeEvent(QEvent* e) override;

 private:
  friend class HeatMapCanvas;
  std::vector<int64_t> labelEdges() const;

  QString title_ = "Output SQNR per layer and timestep";
  BucketHeatMapData data_;
  std::vector<int64_t> edges_;
  HeatMapCanvas* canvas_;
  bool dark_ = false;
};

}  // namespace aqui
