#include "job/memory_sampler.h"

#include "sys/memory.h"

namespace aq {

MemorySampler::MemorySampler(int period_ms, std::function<void(const MemorySample&)> sink)
    : start_(std::chrono::steady_clock::now()), period_ms_(period_ms > 0 ? period_ms : 50), sink_(std::move(sink)) {
  sink_(sample_now());
  thread_ = std::thread([this] { loop(); });
}

MemorySampler::~MemorySampler() { stop(); }

MemorySample MemorySampler::sample_now() const {
  const ProcessMemory m = read_process_memory();
  MemorySample s;
  s.t_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  s.rss = m.rss;
  s.rss_anon = m.rss_anon;
  s.rss_file = m.rss_file;
  s.peak = m.peak;
  return s;
}

void MemorySampler::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (wake_.wait_for(lock, std::chrono::milliseconds(period_ms_), [this] { return stopping_; })) break;
    lock.unlock();
    sink_(sample_now());
    lock.lock();
  }
}

void MemorySampler::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  sink_(sample_now());
}

}  // namespace aq
