#include "ui/job/job_controller.h"

#include <QThread>
#include <algorithm>

#include "job/session.h"
#include "ui/job/coalescing_observer.h"

namespace aqui {

JobController::JobController(QObject* parent) : QObject(parent) {
  drainTimer_.setSingleShot(true);
  connect(&drainTimer_, &QTimer::timeout, this, &JobController::drain);
}

JobController::~JobController() { stopAndWait(); }

bool JobController::start(const aq::JobConfig& config, std::shared_ptr<const aq::Session> session) {
  if (thread_) return false;
  const quint64 job = ++job_;
  cancel_.reset();
  deliveries_ = 0;
  sinceDrain_.start();  // the first delivery is paced too: a short run costs the GUI one update
  pacer_.reset();
  // The poke runs on the worker thread; the queued call lands on this (GUI) thread.
  observer_ = std::make_shared<CoalescingObserver>([this, job] {
    QMetaObject::invokeMethod(this, [this, job] { scheduleDrain(job); }, Qt::QueuedConnection);
  });
  auto observer = observer_;
  // The job's threads keep the priority the CLI's have (no worker_nice): niced, they gave way not
  // only to the GUI thread but to every other process, and a GUI run on a busy machine took
  // several times the CLI's. The GUI thread stays responsive without it: it sleeps between deliveries,
  // so the scheduler runs it as soon as it wakes, and the DeliveryPacer keeps its work small.
  thread_ = QThread::create([this, job, config, observer, session = std::move(session)] {
    auto result = std::make_shared<const aq::JobResult>(session ? session->run(config, *observer, cancel_)
                                                                : aq::run_job(config, *observer, cancel_));
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
  drainTimer_.start(int(std::max<qint64>(0, pacer_.intervalMs() - sinceDrain_.elapsed())));
}

void JobController::drain() {
  if (!observer_) return;
  EventBatch batch = observer_->take();
  sinceDrain_.restart();
  if (batch.empty()) return;
  pacer_.delivered();
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
