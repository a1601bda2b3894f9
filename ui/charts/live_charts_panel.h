#pragma once
// The three charts that follow a run as it happens: memory, per-layer accuracy, speed.
#include <QWidget>
#include <vector>

#include "ui/job/event_batch.h"

class QSplitter;

namespace aqui {

class ChartPanel;
class MemoryChart;
class AccuracyChart;
class SpeedChart;

class LiveChartsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit LiveChartsPanel(QWidget* parent = nullptr);

  /// Empties the charts for a new run; its results will be drawn as `runLabel`.
  void startRun(const QString& runLabel);
  void apply(const EventBatch& batch);
  /// Redraws a finished run (picked from the history) in full.
  void showRun(const QString& runLabel, const aq::JobResult& result);

  MemoryChart* memory() const { return memory_; }
  AccuracyChart* accuracy() const { return accuracy_; }
  SpeedChart* speed() const { return speed_; }
  std::vector<ChartPanel*> charts() const;
  QSplitter* splitter() const { return splitter_; }

 private:
  MemoryChart* memory_;
  AccuracyChart* accuracy_;
  SpeedChart* speed_;
  QSplitter* splitter_;
  QString label_;
};

}  // namespace aqui
