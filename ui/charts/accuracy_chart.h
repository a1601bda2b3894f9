#pragma once
// Per-layer accuracy: SQNR, cosine similarity or relative error of each quantized tensor, by
// position in the model. One series per run, so the same chart shows a live run and overlays
// the runs of a comparison. Hovering a point names the layer.
//
// A calibrated run (tensors with an output_error) gets a second series: the layer's output SQNR
// (or output error), measured with the calibration data. It is what calibration optimises, so it
// is drawn as the primary line, and the weight metric dashed and faded beside it; the legend and
// the title say which is which. Without calibration nothing changes.
#include <QList>
#include <QPointF>
#include <QString>
#include <optional>
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
/// The same metric for the layer's output: SQNR, or the relative error sqrt(tr(D H D^T) /
/// tr(W H W^T)) in percent (on the scale of the weights' |D| / |W|). NaN for cosine, which
/// the output error does not give.
double outputMetricValue(AccuracyMetric m, const aq::OutputError& e);

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
  /// Points of the output (calibrated) series of all runs; 0 without calibration.
  int outputPointCount() const;
  /// The output series' points of run number `run` (x: tensor index, y: the metric), for tests.
  QList<QPointF> outputPoints(int run) const;

 protected:
  void rescale() override;
  void restyle() override;

 private:
  struct Point {
    double x;
    QString name;
    aq::TensorMetrics m;
    std::optional<aq::OutputError> out;
  };
  struct Run {
    QString label;
    std::vector<Point> points;  // sorted by x
    QLineSeries* series;
    QLineSeries* output = nullptr;  // created with the first calibrated tensor
  };
  Run& runFor(const QString& label);
  void addOutputSeries(Run& r, std::size_t i);
  void refill(Run& r);
  void rename();
  void hovered(const Run& r, QPointF p, bool on);

  std::vector<Run> runs_;
  AccuracyMetric metric_ = AccuracyMetric::Sqnr;
  QString baseTitle_;
  QComboBox* metricBox_;
  QValueAxis* x_;
  QValueAxis* y_;
};

}  // namespace aqui
