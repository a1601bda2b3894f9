#pragma once
// The job's observer on the GUI's behalf. Events are merged into one pending batch on the worker
// side; the GUI is poked once per batch (not once per event), so a job that reports thousands of
// progress events a second costs the GUI thread at most one wake-up per delivery interval.
#include <functional>
#include <mutex>

#include "job/job.h"
#include "ui/job/event_batch.h"

namespace aqui {

class CoalescingObserver : public aq::JobObserver {
 public:
  /// `notify` is called on the worker thread when a batch starts to fill (at most once until
  /// take() is called); it must only schedule a take(), never block.
  explicit CoalescingObserver(std::function<void()> notify) : notify_(std::move(notify)) {}

  void on_plan(const aq::ModelSource& source, const aq::Plan& plan) override;
  void on_tensor_done(const aq::TensorResult& result) override;
  void on_progress(const aq::Progress& progress) override;
  void on_memory(const aq::MemorySample& sample) override;
  void on_log(aq::LogLevel level, const std::string& message) override;

  /// Everything gathered since the last take(); re-arms the notification.
  EventBatch take();

 private:
  template <class F>
  void update(F&& f);

  std::function<void()> notify_;
  std::mutex mutex_;
  EventBatch pending_;
  bool notified_ = false;
};

}  // namespace aqui
