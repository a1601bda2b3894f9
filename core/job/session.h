#pragma once
// The engine's staged API on one opened model: open -> plan -> estimate / run / histograms. The
// model is opened (and checked, and its files stamped) once; every later stage reads the held
// source and none re-opens it, so a front end that already shows a model runs on the very same
// one. run_job() is open + run in one call.
//
// A Session is immutable once open: its stages are const and may run concurrently on different
// threads (the GUI times an estimate on a pool thread while a job runs on its own).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "calib/calibration_file.h"
#include "io/file_stamp.h"
#include "io/open_options.h"
#include "job/estimate.h"
#include "job/job.h"
#include "metrics/layer_histogram.h"
#include "util/result.h"

namespace aq {

class ModelSource;
struct KernelSet;
struct GptqMath;

/// What a run would quantize, and how: the plan after any size budget, with the calibration file
/// it was checked against.
struct PlannedJob {
  Plan plan;
  std::unique_ptr<CalibrationFile> calibration;  // with CalibrationOptions::enabled()
  std::vector<std::string> warnings;             // from the calibration file (tensors it lacks)
  std::vector<std::string> notes;                // from the size budget (what it chose)
};

class Session {
 public:
  /// Opens `path` (any format open_model() reads), refuses what cannot be quantized as it is
  /// (check_quantizable_source) and stamps the files read, so that a run can tell whether they
  /// changed since.
  static Result<Session> open(const std::filesystem::path& path, const OpenOptions& options = {});
  /// The same for a source the caller opened itself (the GUI opens off its thread, and looks at
  /// an unquantizable file another way).
  static Result<Session> adopt(std::unique_ptr<ModelSource> source, const OpenOptions& options = {});

  const ModelSource& source() const { return *source_; }
  const std::shared_ptr<const ModelSource>& shared_source() const { return source_; }
  const std::filesystem::path& path() const;
  const OpenOptions& open_options() const { return open_; }
  /// The files the source reads, as the output guard and the stamps see them.
  const std::vector<std::filesystem::path>& input_files() const { return inputs_; }
  /// An I/O error naming the first input file changed since the session opened it.
  Status check_unchanged() const { return verify_unchanged(stamps_); }
  const std::vector<FileStamp>& stamps() const { return stamps_; }

  /// The plan a run with these options would follow: make_plan(), the calibration file checked
  /// against it, and the size budget's choice. Nothing is written.
  Result<PlannedJob> plan(const PlanOptions& options, const CalibrationOptions& calibration = {},
                          const BudgetOptions& budget = {}) const;
  /// The same, with the kernels and GPTQ math a running job has chosen.
  Result<PlannedJob> plan(const PlanOptions& options, const CalibrationOptions& calibration,
                          const BudgetOptions& budget, const KernelSet& kernels, const GptqMath& math) const;

  /// estimate_run() on the held source.
  RunEstimate estimate(const Plan& plan, int threads, uint64_t sample_bytes = 16u << 20) const;

  /// layer_histograms() on the held source.
  Result<LayerHistograms> histograms(std::size_t index, const std::vector<QuantScheme>& schemes,
                                     const HistogramOptions& options = {}) const;

  /// Runs a job on the held model, with every check run_job() makes. `config.input` and
  /// `config.open` are the session's (the result's config says so); the rest is the job's.
  /// Never throws.
  JobResult run(const JobConfig& config, JobObserver& observer, const CancelToken& cancel) const;

 private:
  Session(std::shared_ptr<const ModelSource> source, const OpenOptions& options);

  std::shared_ptr<const ModelSource> source_;
  OpenOptions open_;
  std::vector<std::filesystem::path> inputs_;
  std::vector<FileStamp> stamps_;
};

}  // namespace aq
