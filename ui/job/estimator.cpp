#include "ui/job/estimator.h"

#include "job/session.h"
#include "ui/util/post.h"

namespace aqui {

Estimator::Estimator(QObject* parent) : QObject(parent) {
  debounce_.setSingleShot(true);
  debounce_.setInterval(300);
  connect(&debounce_, &QTimer::timeout, this, &Estimator::launch);
}

void Estimator::setSession(std::shared_ptr<const aq::Session> session) {
  session_ = std::move(session);
  plan_.reset();
  ++generation_;
}

void Estimator::request(const aq::Plan& plan, int threads) {
  plan_ = plan;
  threads_ = threads;
  ++generation_;
  pending_ = true;
  if (!paused_) debounce_.start();
}

void Estimator::setPaused(bool paused) {
  paused_ = paused;
  if (paused) debounce_.stop();
  else if (pending_) launch();  // the settings have not changed meanwhile: no need to debounce
}

void Estimator::launch() {
  if (!session_ || !plan_ || paused_) return;
  // One measurement at a time: a request made meanwhile is launched when this one lands.
  if (running_) return;
  running_ = true;
  pending_ = false;
  const quint64 gen = generation_;
  emit measuring();
  runInPool(
      this,
      [session = session_, plan = *plan_, threads = threads_] {
        return session->estimate(plan, threads);
      },
      [this, gen](aq::RunEstimate est) {
        running_ = false;
        if (gen == generation_) emit estimated(est);
        if (pending_ && !paused_) debounce_.start();
      });
}

}  // namespace aqui
