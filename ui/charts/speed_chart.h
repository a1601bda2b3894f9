#pragma once
// Throughput: input MB/s over time (instantaneous and average since the start), or per layer.
#include <QString>
#include <vector>

#include "job/job.h"
#include "ui/charts/qt_chart_panel.h"

class QComboBox;
class QLineSeries;
class QValueAxis;

namespace aqui {

enum class SpeedView { OverTime, PerLayer };

class SpeedChart : public QtChartPanel {
  Q_OBJECT
 public:
  explicit SpeedChart(QWidget* parent = nullptr);

  void clear() override;
  int pointCount() const override;
  void addProgress(const aq::Progress& p);
  void addResults(const std::vector<aq::TensorResult>& results);
  void setView(SpeedView v);
  SpeedView view() const { return view_; }
  /// What is drawn: per layer while "over time" has too few points to draw a line (a short
  /// run), with the title saying so.
  SpeedView shownView() const { return shown_; }

 protected:
  void rescale() override;
  void restyle() override;

 private:
  void showSeries(SpeedView v);  // attaches the series of `v`
  void refreshView();          // after data changed: which view to show, then the axes

  QComboBox* viewBox_;
  QLineSeries* now_;      // MB/s between two progress updates
  QLineSeries* average_;  // MB/s since the start
  QLineSeries* layers_;   // MB/s of each quantized tensor, by model order
  std::vector<QString> layerNames_;  // parallel to layers_' points
  QValueAxis* x_;
  QValueAxis* y_;
  SpeedView view_ = SpeedView::OverTime;
  SpeedView shown_ = SpeedView::OverTime;
  double lastT_ = -1;
  uint64_t lastBytes_ = 0;
};

}  // namespace aqui
