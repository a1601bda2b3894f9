#pragma once
// Samples this process's resident memory on a background thread for the job's timeline.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "job/job.h"

namespace aq {

class MemorySampler {
 public:
  /// Calls `sink` with a sample at once and then every `period_ms` until stop().
  MemorySampler(int period_ms, std::function<void(const MemorySample&)> sink);
  ~MemorySampler();
  /// Takes a last sample and joins the thread.
  void stop();
  /// A sample now, timed from the sampler's start.
  MemorySample sample_now() const;

 private:
  void loop();

  std::chrono::steady_clock::time_point start_;
  int period_ms_;
  std::function<void(const MemorySample&)> sink_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace aq
