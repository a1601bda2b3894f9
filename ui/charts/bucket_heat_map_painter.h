#pragma once
// Draws the timestep heat map: layers (x, model order) by timestep buckets (y, the first bucket
// at the bottom), each cell coloured by its output SQNR on a viridis scale with a colour bar,
// empty buckets grey. One function for the screen and the exports, so they cannot differ.
#include <QColor>
#include <QFont>
#include <QRectF>
#include <QString>
#include <cstdint>
#include <vector>

class QPainter;

namespace aqui {

class BucketHeatMapData;

struct HeatMapLook {
  QColor background, text, muted, frame, missing;
  static HeatMapLook light();
  static HeatMapLook dark();
};

/// Where the cells went, to find the cell under the mouse.
struct HeatMapGeometry {
  QRectF grid;  // empty when nothing was drawn
  int layers = 0;
  int buckets = 0;
  /// The cell at `p`; false outside the grid.
  bool cellAt(QPointF p, int& layer, int& bucket) const;
};

/// Paints into `area` (background included). `edges`: the calibration file's bucket_edges, for
/// labels, or empty. `placeholder` is shown when there is no data.
HeatMapGeometry paintBucketHeatMap(QPainter& p, const QRectF& area, const BucketHeatMapData& data,
                                   const std::vector<int64_t>& edges, const QString& title,
                                   const QString& placeholder, const HeatMapLook& look, const QFont& font);

}  // namespace aqui
