#pragma once
// Per-layer accuracy: SQNR, cosine similarity or relative error of each quantized tensor, by
// position in the model. One series per run, so the same chart shows a live run and overlays
// the runs of a comparison. Hovering a point names the layer.
#include <QString>
#include <vector>

#include "job/job.h"
#include "ui/charts/qt_chart_panel.h"

class QComboBox;
class QLineSeries;
class QValueAxis;

namespace aqui {

enum class AccuracyMetric { Sqnr, Cosine, RelError };
QString metricName(AccuracyMetric m);  // "SQNR (dB)", ...
/// The metric's value for one tensor; NaN where undefined (an exact tensor's SQNR).
double metricValue(AccuracyMetric m, const aq::TensorMetrics& t);

class AccuracyChart : public QtChartPanel {
  Q_OBJECT
 public:
  explicit AccuracyChart(QWidget* parent = nullptr, const QString& key = "accuracy",
                         const QString& title = "Per-layer accuracy");

  void clear() override;
  int pointCount() const override;

  /// Adds finished tensors to the run called `run` (created on first use, in the next colour).
  void addResults(const QString& run, const std::vector<aq::TensorResult>& results);
  void setMetric(AccuracyMetric m);
  AccuracyMetric metric() const { return metric_; }
  int runCount() const { return int(runs_.size()); }

 protected:
  void rescale() override;
  void restyle() override;

 private:
  struct Point {
    double x;
    QString name;
    aq::TensorMetrics m;
  };
  struct Run {
    QString label;
    std::vector<Point> points;  // sorted by x
    QLineSeries* series;
  };
  Run& runFor(const QString& label);
  void refill(Run& r);
  void hovered(const Run& r, QPointF p, bool on);

  std::vector<Run> runs_;
  AccuracyMetric metric_ = AccuracyMetric::Sqnr;
  QComboBox* metricBox_;
  QValueAxis* x_;
  QValueAxis* y_;
};

}  // namespace aqui
