#include "job/job_context.h"

namespace aq {

JobContext::JobContext(const JobConfig& cfg, JobObserver& observer, const CancelToken& c, JobResult& result)
    : config(cfg), cancel(c), kernels(best_kernels()), gptq_math(best_gptq_math()), observer_(observer), result_(result),
      start_(std::chrono::steady_clock::now()) {}

double JobContext::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void JobContext::log(LogLevel level, const std::string& message) {
  std::lock_guard lock(mutex_);
  if (level == LogLevel::Warning) result_.warnings.push_back(message);
  observer_.on_log(level, message);
}

void JobContext::memory(const MemorySample& sample) {
  std::lock_guard lock(mutex_);
  result_.memory.push_back(sample);
  observer_.on_memory(sample);
}

void JobContext::advance(uint64_t bytes, const std::string& tensor, bool tensor_finished) {
  std::lock_guard lock(mutex_);
  bytes_done_ += bytes;
  if (tensor_finished) ++tensors_done_;
  const double now = elapsed();
  if (!tensor_finished && now - last_progress_ < 0.02) return;
  last_progress_ = now;
  Progress p;
  p.bytes_done = bytes_done_;
  p.bytes_total = plan.input_bytes;
  p.tensors_done = tensors_done_;
  p.tensors_total = plan.tensors.size();
  p.elapsed_s = now;
  p.mb_per_s = now > 0 ? double(bytes_done_) / 1e6 / now : 0;
  p.eta_s = p.mb_per_s > 0 ? double(p.bytes_total - p.bytes_done) / 1e6 / p.mb_per_s : 0;
  p.current = tensor;
  observer_.on_progress(p);
}

void JobContext::tensor_done(TensorResult r) {
  std::lock_guard lock(mutex_);
  observer_.on_tensor_done(r);
  if (r.quantized()) result_.quantized_error_sums.merge(r.error_sums);
  result_.tensors.push_back(std::move(r));
}

void JobContext::fail(Error error) {
  std::lock_guard lock(mutex_);
  if (!error_ || (error.kind == ErrorKind::Cancelled && error_->kind != ErrorKind::Cancelled)) error_ = std::move(error);
  failed_ = true;
}

std::optional<Error> JobContext::first_error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

}  // namespace aq
