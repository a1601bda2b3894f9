#include "ui/job/job_controller.h"

#include <QThread>
#include <algorithm>

#include "ui/job/coalescing_observer.h"

namespace aqui {

JobController::JobController(QObject* parent) : QObject(parent) {
  drainTimer_.setSingleShot(true);
  connect(&drainTimer_, &QTimer::timeout, this, &JobController::drain);
}

JobController::~JobController() { stopAndWait(); }

bool JobController::start(const aq::JobConfig& config) {
  if (thread_) return false;
  const quint64 job = ++job_;
  cancel_.reset();
  deliveries_ = 0;
  sinceDrain_.invalidate();
  // The poke runs on the worker thread; the queued call lands on this (GUI) thread.
  observer_ = std::make_shared<CoalescingObserver>([this, job] {
    QMetaObject::invokeMethod(this, [this, job] { scheduleDrain(job); }, Qt::QueuedConnection);
  });
  auto observer = observer_;
  aq::JobConfig background = config;
  background.worker_nice = 10;  // the job's threads give way to the GUI thread on a busy machine
  thread_ = QThread::create([this, job, config = background, observer] {
    auto result = std::make_shared<const aq::JobResult>(aq::run_job(config, *observer, cancel_));
    QMetaObject::invokeMethod(this, [this, job, result] { workerDone(job, result); },
                              Qt::QueuedConnection);
  });
  thread_->setObjectName("aq-job");
  thread_->start();
  emit started(config);
  return true;
}

void JobController::cancel() {
  if (thread_) cancel_.cancel();
}

void JobController::stopAndWait() {
  if (!thread_) return;
  cancel_.cancel();
  thread_->wait();
  ++job_;  // the worker's queued workerDone() is now stale and will be ignored
  drainTimer_.stop();
  releaseThread();
}

void JobController::scheduleDrain(quint64 job) {
  if (job != job_ || drainTimer_.isActive()) return;
  const qint64 since = sinceDrain_.isValid() ? sinceDrain_.elapsed() : kDeliveryIntervalMs;
  drainTimer_.start(int(std::max<qint64>(0, kDeliveryIntervalMs - since)));
}

void JobController::drain() {
  if (!observer_) return;
  EventBatch batch = observer_->take();
  sinceDrain_.restart();
  if (batch.empty()) return;
  ++deliveries_;
  emit batchReady(batch);
}

void JobController::workerDone(quint64 job, std::shared_ptr<const aq::JobResult> result) {
  if (job != job_) return;
  drainTimer_.stop();
  drain();  // the tail of the job's events, whatever the rate limit says
  releaseThread();
  emit finished(std::move(result));
}

void JobController::releaseThread() {
  if (thread_) {
    thread_->wait();
    delete thread_;
    thread_ = nullptr;
  }
  observer_.reset();
}

}  // namespace aqui
