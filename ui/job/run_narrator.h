#pragma once
// What the window says about runs: the log lines, the status bar's progress text and the error
// banner, from a run's start to the end of its queue. MainWindow only forwards the events.
#include <QObject>
#include <QString>
#include <vector>

#include "job/job.h"
#include "ui/compare/run_history.h"

class QStatusBar;

namespace aqui {

class ErrorBanner;
class LogView;
class ProgressStatus;

class RunNarrator : public QObject {
  Q_OBJECT
 public:
  RunNarrator(LogView* log, ErrorBanner* banner, ProgressStatus* progress, QStatusBar* status, QObject* parent);

  /// Run `index` of `total` starts on `modelName`.
  void starting(int index, int total, const aq::JobConfig& config, const QString& modelName);
  /// The plan the job made: totals and the count of tensors each keep rule kept.
  void planned(const aq::Plan& plan);
  void recorded(const RunRecord& run);
  /// A cancel is a warning saying how far the run got and whether a file was left; anything else
  /// an error, in the log and the banner. `modelTensors`: the open model's tensor count.
  void failed(const aq::JobResult& result, std::size_t modelTensors);
  void finished(const std::vector<int>& ids, bool complete, const RunRecord* last);
  void cancelling();
  /// A run refused before it started (settings that cannot be used).
  void notStarted(const QString& why, bool showBanner = true);

 private:
  LogView* log_;
  ErrorBanner* banner_;
  ProgressStatus* progress_;
  QStatusBar* status_;
};

}  // namespace aqui
