#pragma once
// The "before you run" figures. Size and bits per weight come from the plan, exactly and at once;
// the time is measured by aq::Session::estimate on a sample of the held model, on a pool thread,
// debounced while the user is still changing settings and held back while a job is running.
#include <QObject>
#include <QTimer>
#include <memory>
#include <optional>

#include "job/estimate.h"
#include "plan/plan.h"

namespace aq {
class Session;
}

namespace aqui {

class Estimator : public QObject {
  Q_OBJECT
 public:
  explicit Estimator(QObject* parent = nullptr);

  void setSession(std::shared_ptr<const aq::Session> session);
  /// A new plan to time; supersedes any earlier request.
  void request(const aq::Plan& plan, int threads);
  /// While paused (a job runs) requests wait; resuming runs the latest one.
  void setPaused(bool paused);
  bool busy() const { return running_; }
  /// Debounce delay; tests set 0.
  void setDelay(int ms) { debounce_.setInterval(ms); }

 signals:
  void measuring();
  void estimated(const aq::RunEstimate& estimate);

 private:
  void launch();

  std::shared_ptr<const aq::Session> session_;
  std::optional<aq::Plan> plan_;
  int threads_ = 0;
  quint64 generation_ = 0;
  bool running_ = false;
  bool paused_ = false;
  bool pending_ = false;
  QTimer debounce_;
};

}  // namespace aqui
