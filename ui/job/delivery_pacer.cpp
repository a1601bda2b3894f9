#include "ui/job/delivery_pacer.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace aqui {

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

void DeliveryPacer::reset() {
  lastCpuS_ = threadCpuSeconds();
  delivered_ = false;
}

void DeliveryPacer::delivered() {
  lastCpuS_ = threadCpuSeconds();
  delivered_ = true;
}

int DeliveryPacer::intervalMs() const {
  // Whatever the GUI thread did since (applying the last batch, repainting, anything else)
  // competed with the job for the cores.
  const double costMs = (threadCpuSeconds() - lastCpuS_) * 1000.0;
  const int interval = std::clamp(int(std::lround(costMs / kGuiShare)), kMinIntervalMs, kMaxIntervalMs);
  return delivered_ ? interval : std::max(interval, kFirstIntervalMs);
}

}  // namespace aqui
