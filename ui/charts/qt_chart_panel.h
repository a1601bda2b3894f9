#pragma once
// The Qt Charts implementation shared by every chart: a QChart in a zoomable view, a row for
// chart-specific controls, legend toggling, hover tooltips, light/dark themes and offscreen
// rendering for exports.
#include <QtCharts/QChart>

#include "ui/charts/chart_panel.h"

class QHBoxLayout;
class QPainter;
class QAbstractAxis;
class QValueAxis;
class QAbstractSeries;

namespace aqui {

class ZoomableChartView;

class QtChartPanel : public ChartPanel {
  Q_OBJECT
 public:
  QtChartPanel(const QString& key, const QString& title, QWidget* parent = nullptr);

  QString title() const override { return title_; }
  QString key() const override { return key_; }
  bool isEmpty() const override { return pointCount() == 0; }
  QImage renderImage(QSize size = kExportSize, qreal scale = 2.0) override;
  QByteArray renderSvg(QSize size = kExportSize) override;
  void setDarkTheme(bool dark) override;
  void resetZoom() override;

  QChart* chart() const { return chart_; }

 protected:
  QHBoxLayout* controls() const { return controls_; }
  bool dark() const { return dark_; }
  /// Fit the axes to the data; called after data changes unless the user has zoomed in.
  virtual void rescale() = 0;
  /// Re-apply custom pens and brushes: a theme change resets every series' colours.
  virtual void restyle() {}
  /// Call after data changes: refits the axes unless the user is looking at a zoomed region.
  void dataChanged();
  /// Legend markers toggle their series on click; call after adding or replacing series.
  /// Series with the property "aqNoLegend" set get no legend entry.
  void hookLegend();
  void showTip(const QString& html);
  void hideTip();
  /// Adds `series` to the chart and attaches it to both axes.
  void attach(QAbstractSeries* series, QAbstractAxis* x, QAbstractAxis* y);
  /// Sets a value axis to [lo, hi] with a margin and round tick values.
  static void fitAxis(QValueAxis* axis, double lo, double hi, bool fromZero);

 private:
  void paint(QPainter& painter, QSize size);
  void applyTheme(bool dark);

  QString key_;
  QString title_;
  QChart* chart_;
  ZoomableChartView* view_;
  QHBoxLayout* controls_;
  bool dark_ = false;
  bool zoomed_ = false;
};

}  // namespace aqui
