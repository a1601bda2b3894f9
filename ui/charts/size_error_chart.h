#pragma once
// Output size against error, one point per run: the trade-off a comparison is about.
#include <QString>
#include <vector>

#include "ui/charts/qt_chart_panel.h"

class QLineSeries;
class QLogValueAxis;
class QValueAxis;

namespace aqui {

struct SizeErrorPoint {
  QString label;
  double size_mb = 0;       // output tensor data, MB
  double rel_error = 0;     // whole-model relative error (fraction)
  double mean_sqnr_db = 0;  // shown in the tooltip
  int color = 0;            // index into seriesColor()
};

class SizeErrorChart : public QtChartPanel {
  Q_OBJECT
 public:
  explicit SizeErrorChart(QWidget* parent = nullptr);

  void clear() override;
  int pointCount() const override { return int(points_.size()); }
  void setPoints(const std::vector<SizeErrorPoint>& points);

 protected:
  void rescale() override;
  void restyle() override;

 private:
  void rebuild();

  std::vector<SizeErrorPoint> points_;
  QLineSeries* trend_ = nullptr;
  QValueAxis* x_;
  QLogValueAxis* y_;
};

}  // namespace aqui
