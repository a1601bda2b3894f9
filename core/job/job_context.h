#pragma once
// Shared state of one running job: the source, plan and writer, the serialised observer, progress
// accounting and the first error. Schedulers and tensor processing see only this.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "io/model_source.h"
#include "calib/calibration_file.h"
#include "calib/gptq_math.h"
#include "io/packed_writer.h"
#include "job/job.h"
#include "quant/kernels.h"

namespace aq {

class JobContext {
 public:
  JobContext(const JobConfig& config, JobObserver& observer, const CancelToken& cancel, JobResult& result);

  const JobConfig& config;
  const CancelToken& cancel;
  const KernelSet& kernels;
  const GptqMath& gptq_math;
  std::unique_ptr<CalibrationFile> calibration;  // with --calibration
  std::shared_ptr<const ModelSource> source;  // the session's, shared with its holder
  Plan plan;
  std::unique_ptr<PackedWriter> writer;  // null: measure only

  void log(LogLevel level, const std::string& message);
  void memory(const MemorySample& sample);
  /// Adds finished input bytes and reports progress (at most every 20 ms, and at each tensor end).
  void advance(uint64_t bytes, const std::string& tensor, bool tensor_finished);
  void tensor_done(TensorResult result);
  /// Records the first failure; later ones are dropped. Cancel wins over errors it caused.
  void fail(Error error);
  bool failed() const { return failed_.load(std::memory_order_relaxed); }
  bool should_stop() const { return failed() || cancel.cancelled(); }
  std::optional<Error> first_error() const;

  double elapsed() const;

 private:
  JobObserver& observer_;
  JobResult& result_;
  std::chrono::steady_clock::time_point start_;
  mutable std::mutex mutex_;  // serialises observer calls and result updates
  std::atomic<bool> failed_{false};
  std::optional<Error> error_;
  uint64_t bytes_done_ = 0;
  std::size_t tensors_done_ = 0;
  double last_progress_ = -1;
};

/// Processes one tensor: `block_rows` rows at a time (0: the whole tensor at once), writing each
/// block and, if `release`, giving its input pages back to the OS. Errors go to ctx.fail().
void process_tensor(JobContext& ctx, std::size_t index, int64_t block_rows, bool release);

}  // namespace aq
