#pragma once
// The job API: one run of source -> plan -> quantize -> measure -> write. The CLI, the GUI, the
// tests and the benchmarks all drive the engine through run_job() (open and run in one call) or a
// Session (job/session.h: open once, then plan, estimate, run on the held model).
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "calib/calibration_options.h"
#include "io/open_options.h"
#include "io/output_guard.h"
#include "metrics/error_sums.h"
#include "plan/budget.h"
#include "plan/plan.h"
#include "util/result.h"

namespace aq {

class ModelSource;

enum class Mode {
  Streaming,  // one tensor at a time, in blocks of rows; pages returned to the OS; bounded memory
  Batch,      // all tensors in parallel, each held whole; faster on many small tensors, more memory
};
std::string_view mode_name(Mode m);  // "streaming", "batch"

struct JobConfig {
  std::filesystem::path input;
  std::filesystem::path output;     // .safetensors or .h5/.hdf5; empty: measure only, write nothing
  /// Other files the caller will write after the run (--report, --csv): checked with the output
  /// before any work, so that none of them can be an input or each other.
  std::vector<OutputTarget> side_outputs;
  PlanOptions plan;
  OpenOptions open;                 // what the readers accept (--allow-sparse)
  CalibrationOptions calibration;   // --calibration: error compensation and output-error figures
  BudgetOptions budget;             // --target-bpw / --target-size: mixed precision
  Mode mode = Mode::Streaming;
  int threads = 0;                  // 0: all cores
  uint64_t block_bytes = 8u << 20;  // streaming: input bytes per block of rows
  int memory_sample_ms = 50;        // memory timeline sampling period
  int worker_nice = 0;              // > 0: the job's threads yield the CPU to others (a GUI thread)
};

struct TensorResult {
  std::size_t index = 0;      // into the source's tensors
  std::string name;
  std::string dtype;          // original dtype name
  std::vector<int64_t> shape;
  Decision decision = Decision::Quantize;
  std::string reason;
  QuantScheme scheme;         // meaningful when quantized
  TensorMetrics metrics;      // meaningful when quantized
  ErrorSums error_sums;       // the sums the metrics come from (to total over tensors)
  std::optional<OutputError> output_error;  // with calibration data for this tensor
  uint64_t input_bytes = 0;
  uint64_t output_bytes = 0;
  int64_t params = 0;
  double bits_per_weight = 0;  // output bits / params (scales and zeros included)
  double seconds = 0;          // wall time spent on this tensor
  double mb_per_s = 0;         // input MB (1e6 bytes) per second

  bool quantized() const { return decision == Decision::Quantize; }
};

struct Progress {
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;
  std::size_t tensors_done = 0;
  std::size_t tensors_total = 0;
  double elapsed_s = 0;
  double mb_per_s = 0;   // input MB/s since the start
  double eta_s = 0;      // seconds left at that rate
  std::string current;   // name of a tensor being worked on
  double fraction() const { return bytes_total ? double(bytes_done) / double(bytes_total) : 1.0; }
};

struct MemorySample {
  double t_s = 0;           // since the job started
  uint64_t rss = 0;         // resident bytes (VmRSS)
  uint64_t rss_anon = 0;    // RssAnon
  uint64_t rss_file = 0;    // RssFile (mapped model pages)
  uint64_t peak = 0;        // VmHWM: peak resident bytes of the process so far
};

enum class JobStatus { Succeeded, Failed, Cancelled };
std::string_view status_name(JobStatus s);

struct JobResult {
  JobStatus status = JobStatus::Failed;
  Error error;                        // when Failed or Cancelled
  JobConfig config;
  std::string source_format;
  ModelFamily family = ModelFamily::Unknown;
  std::string kernels;                // "avx2" or "scalar"
  int threads = 0;                    // threads actually used
  std::vector<TensorResult> tensors;  // in processing order; on failure, the ones finished
  uint64_t input_bytes = 0;
  uint64_t output_bytes = 0;          // tensor data bytes written
  uint64_t output_file_bytes = 0;     // size of the file written (0 when none)
  int64_t params = 0;
  int64_t quantized_params = 0;
  double wall_s = 0;
  uint64_t peak_rss = 0;              // VmHWM at the end of the run
  std::vector<MemorySample> memory;   // timeline
  std::vector<std::string> warnings;
  std::optional<BudgetSummary> budget;  // with --target-bpw / --target-size: what the budget chose

  double compression_ratio() const { return output_bytes ? double(input_bytes) / double(output_bytes) : 0; }
  double bits_per_weight() const { return params ? 8.0 * double(output_bytes) / double(params) : 0; }
  double mb_per_s() const { return wall_s > 0 ? double(input_bytes) / 1e6 / wall_s : 0; }
  /// Totals over quantized tensors, for the summary line.
  ErrorSums quantized_error_sums;
};

enum class LogLevel { Info, Warning, Error };

/// Events out. Called from worker threads (never concurrently with itself: the job serialises
/// calls), so implementations must be quick and hand work to their own thread if needed.
class JobObserver {
 public:
  virtual ~JobObserver() = default;
  virtual void on_plan(const ModelSource& source, const Plan& plan) {}
  virtual void on_tensor_done(const TensorResult& result) {}
  virtual void on_progress(const Progress& progress) {}
  virtual void on_memory(const MemorySample& sample) {}
  virtual void on_log(LogLevel level, const std::string& message) {}
};

/// Cancel in: the job checks it between blocks of rows and between tensors.
class CancelToken {
 public:
  void cancel() { flag_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return flag_.load(std::memory_order_relaxed); }
  void reset() { flag_.store(false, std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
};

/// The thread count a setting means: 0 is every core.
int resolve_threads(int requested);

/// Runs the whole job: Session::open(config.input) then Session::run(). Never throws. On failure
/// or cancel no output file is left behind.
JobResult run_job(const JobConfig& config, JobObserver& observer, const CancelToken& cancel);

}  // namespace aq
