#pragma once
// A chart view the user can explore: drag a rectangle to zoom, the wheel to zoom in and out,
// arrow keys to pan, double-click or "0" to go back to the whole data.
#include <QtCharts/QChartView>

namespace aqui {

class ZoomableChartView : public QChartView {
  Q_OBJECT
 public:
  explicit ZoomableChartView(QChart* chart, QWidget* parent = nullptr);

 signals:
  void userZoomed();
  void resetRequested();

 protected:
  void mouseReleaseEvent(QMouseEvent* e) override;
  void mouseDoubleClickEvent(QMouseEvent* e) override;
  void wheelEvent(QWheelEvent* e) override;
  void keyPressEvent(QKeyEvent* e) override;
};

}  // namespace aqui
