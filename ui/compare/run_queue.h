#pragma once
// Runs jobs one after the other on the JobController (a single run is a queue of one; "compare
// bit widths" is a queue of several), records each successful run in the history and reports
// when the queue is done.
#include <QObject>
#include <memory>
#include <vector>

#include "job/job.h"
#include "ui/compare/run_history.h"
#include "ui/settings/run_settings.h"

namespace aq {
class Session;
}

namespace aqui {

class JobController;

class RunQueue : public QObject {
  Q_OBJECT
 public:
  RunQueue(JobController* controller, RunHistory* history, QObject* parent = nullptr);

  /// Runs `configs` on `session`'s model (null: each config's input); false when a queue is
  /// already running.
  bool start(std::vector<aq::JobConfig> configs, std::shared_ptr<const aq::Session> session = nullptr);
  /// Cancels the running job and drops the rest of the queue.
  void cancel();
  bool active() const { return active_; }
  int position() const { return next_; }  // 1-based index of the running job
  int total() const { return int(configs_.size()); }

 signals:
  void jobStarting(int index, int total, const aq::JobConfig& config);
  void runRecorded(const aqui::RunRecord& run);
  void runFailed(std::shared_ptr<const aq::JobResult> result);
  /// `ids`: the runs recorded by this queue; `complete`: every job succeeded.
  void finished(const std::vector<int>& ids, bool complete);

 private:
  void startNext();
  void onFinished(std::shared_ptr<const aq::JobResult> result);

  JobController* controller_;
  RunHistory* history_;
  std::vector<aq::JobConfig> configs_;
  std::shared_ptr<const aq::Session> session_;
  std::vector<int> ids_;
  int next_ = 0;
  bool active_ = false;
  bool stop_ = false;
  bool failed_ = false;
};

/// The same settings at each bit width, each written to its own file (MODEL-int2.safetensors ...)
/// when the settings write one.
std::vector<aq::JobConfig> compareConfigs(const RunSettings& base, const QString& input,
                                          const std::vector<int>& bits);

}  // namespace aqui
