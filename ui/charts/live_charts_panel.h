#pragma once
// The charts that follow a run as it happens: memory, per-layer accuracy, speed and, for a
// calibrated run, the output SQNR per layer and timestep bucket (a one-line note stands in for
// it when the run has no bucket data); for a run under a size budget, the size-versus-error
// Pareto chart of the allocation. Too narrow for all of them, the panel keeps the accuracy chart
// and the run-specific ones, and folds memory and speed away.
#include <QString>
#include <QWidget>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "ui/charts/qt_chart_panel.h"
#include "ui/job/event_batch.h"

class QLabel;
class QSplitter;

namespace aqui {

class ChartPanel;
class MemoryChart;
class AccuracyChart;
class SpeedChart;
class BucketHeatMap;
class ParetoChart;

class LiveChartsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit LiveChartsPanel(QWidget* parent = nullptr);

  /// Empties the charts for a new run; its results will be drawn as `runLabel`.
  /// `calibrationFile`: the run's calibration file, if any (its bucket edges label the heat map).
  void startRun(const QString& runLabel, const QString& calibrationFile = {});
  /// Empties every chart: another model was opened, and the last run's charts are not its own.
  void clear();
  void apply(const EventBatch& batch);
  /// While the returned object lives, every chart's axes are laid out once, at the end (a run's
  /// first events empty the charts and fill them at once: see QtChartPanel::AxisDeferral).
  [[nodiscard]] std::vector<std::unique_ptr<QtChartPanel::AxisDeferral>> deferAxes() const;
  /// Redraws a finished run (picked from the history) in full.
  void showRun(const QString& runLabel, const aq::JobResult& result);
  /// The bucket_edges of a calibration file, once read (empty when it has none).
  void setBucketEdges(const QString& calibrationFile, std::vector<int64_t> edges);

  MemoryChart* memory() const { return memory_; }
  AccuracyChart* accuracy() const { return accuracy_; }
  SpeedChart* speed() const { return speed_; }
  BucketHeatMap* heatMap() const { return heatMap_; }
  ParetoChart* pareto() const { return pareto_; }
  /// The one-line note under the charts: what the heat map needs while it has no data, or that
  /// memory and speed are folded away while the panel is too narrow for four charts.
  QLabel* note() const { return note_; }
  /// The charts to export: the heat map and the Pareto chart only when they have data.
  std::vector<ChartPanel*> charts() const;
  QSplitter* splitter() const { return splitter_; }

 protected:
  void resizeEvent(QResizeEvent* e) override;

 private:
  void arrange();  // which charts show, after data or width changed
  void showBudget(const aq::BudgetSummary& budget);

  MemoryChart* memory_;
  AccuracyChart* accuracy_;
  SpeedChart* speed_;
  BucketHeatMap* heatMap_;
  ParetoChart* pareto_;
  QLabel* note_;
  QSplitter* splitter_;
  QString label_;
  QString calibration_;                                  // the current run's file
  std::map<QString, std::vector<int64_t>> bucketEdges_;  // by calibration file
};

}  // namespace aqui
