#pragma once
// Runs one aq::run_job at a time on a worker QThread and hands its events to the GUI thread.
//
// Delivery: the worker-side CoalescingObserver pokes this object once per batch through a queued
// call; the batch is then taken at most every kDeliveryIntervalMs, so charts and tables update at
// most 20 times a second whatever the job's event rate. Cancel sets the job's CancelToken; the
// engine checks it between blocks of rows, so a run stops within a fraction of a second.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <memory>

#include "job/job.h"
#include "ui/job/event_batch.h"

class QThread;

namespace aqui {

class CoalescingObserver;

class JobController : public QObject {
  Q_OBJECT
 public:
  static constexpr int kDeliveryIntervalMs = 50;

  explicit JobController(QObject* parent = nullptr);
  ~JobController() override;  // cancels a running job and waits for its worker

  /// Starts a job; false (and nothing happens) when one is already running.
  bool start(const aq::JobConfig& config);
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
  int deliveries_ = 0;
};

}  // namespace aqui
