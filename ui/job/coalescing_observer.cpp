#include "ui/job/coalescing_observer.h"

namespace aqui {

template <class F>
void CoalescingObserver::update(F&& f) {
  bool poke = false;
  {
    std::lock_guard lock(mutex_);
    f(pending_);
    poke = !notified_;
    notified_ = true;
  }
  if (poke && notify_) notify_();
}

void CoalescingObserver::on_plan(const aq::ModelSource&, const aq::Plan& plan) {
  update([&](EventBatch& b) { b.plan = plan; });
}

void CoalescingObserver::on_tensor_done(const aq::TensorResult& result) {
  update([&](EventBatch& b) { b.tensors.push_back(result); });
}

void CoalescingObserver::on_progress(const aq::Progress& progress) {
  update([&](EventBatch& b) { b.progress = progress; });
}

void CoalescingObserver::on_memory(const aq::MemorySample& sample) {
  update([&](EventBatch& b) { b.memory.push_back(sample); });
}

void CoalescingObserver::on_log(aq::LogLevel level, const std::string& message) {
  update([&](EventBatch& b) { b.logs.push_back({level, message}); });
}

EventBatch CoalescingObserver::take() {
  std::lock_guard lock(mutex_);
  EventBatch out = std::move(pending_);
  pending_ = EventBatch{};
  notified_ = false;
  return out;
}

}  // namespace aqui
