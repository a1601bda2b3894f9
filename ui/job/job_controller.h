#pragma once
// Runs one job at a time on a worker QThread (on the model's Session the window holds, or, given
// none, aq::run_job on the config's input) and hands its events to the GUI thread.
//
// Delivery: the worker-side CoalescingObserver pokes this object once per batch through a queued
// call; the batch is then taken at most every kDeliveryIntervalMs, so charts and tables update at
// most 20 times a second whatever the job's event rate, and less often when updating them is dear
// (DeliveryPacer: live updates take at most a small share of a core from the job). Cancel sets
// the job's CancelToken; the engine checks it between blocks of rows, so a run stops within a
// fraction of a second.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <memory>

#include "job/job.h"
#include "ui/job/delivery_pacer.h"
#include "ui/job/event_batch.h"

class QThread;

namespace aq {
class Session;
}

namespace aqui {

class CoalescingObserver;

class JobController : public QObject {
  Q_OBJECT
 public:
  static constexpr int kDeliveryIntervalMs = DeliveryPacer::kMinIntervalMs;

  explicit JobController(QObject* parent = nullptr);
  ~JobController() override;  // cancels a running job and waits for its worker

  /// Starts a job on `session`'s model (config.input is then the session's), or with no session
  /// on config.input; false (and nothing happens) when one is already running.
  bool start(const aq::JobConfig& config, std::shared_ptr<const aq::Session> session = nullptr);
  void cancel();
  bool isRunning() const { return thread_ != nullptr; }
  /// Cancels and blocks until the worker has returned, without emitting finished(); for quitting.
  void stopAndWait();
  /// How many batches were delivered in the current or last job (tests check the rate).
  int deliveries() const { return deliveries_; }

 signals:
  void started(const aq::JobConfig& config);
  void batchReady(const aqui::EventBatch& batch);
  /// Always preceded by the last batchReady() of the job.
  void finished(std::shared_ptr<const aq::JobResult> result);

 private:
  void scheduleDrain(quint64 job);
  void drain();
  void workerDone(quint64 job, std::shared_ptr<const aq::JobResult> result);
  void releaseThread();

  QThread* thread_ = nullptr;
  std::shared_ptr<CoalescingObserver> observer_;
  aq::CancelToken cancel_;
  quint64 job_ = 0;  // identifies the current job; stale queued calls compare against it
  QTimer drainTimer_;
  QElapsedTimer sinceDrain_;
  DeliveryPacer pacer_;
  int deliveries_ = 0;
};

}  // namespace aqui
