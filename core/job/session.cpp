#include "job/session.h"

#include "io/model_source.h"
#include "io/output_guard.h"
#include "job/calibration_checks.h"
#include "job/mixed_precision.h"
#include "job/run_on.h"
#include "job/source_checks.h"

namespace aq {

Session::Session(std::shared_ptr<const ModelSource> source, const OpenOptions& options)
    : source_(std::move(source)), open_(options), inputs_(aq::input_files(*source_)), stamps_(stamp_files(inputs_)) {}

Result<Session> Session::open(const std::filesystem::path& path, const OpenOptions& options) {
  auto source = open_model(path, options);
  if (!source) return source.error();
  return adopt(std::move(*source), options);
}

Result<Session> Session::adopt(std::unique_ptr<ModelSource> source, const OpenOptions& options) {
  if (auto s = check_quantizable_source(*source); !s) return s.error();
  return Session(std::shared_ptr<const ModelSource>(std::move(source)), options);
}

const std::filesystem::path& Session::path() const { return source_->path(); }

Result<PlannedJob> Session::plan(const PlanOptions& options, const CalibrationOptions& calibration,
                                 const BudgetOptions& budget) const {
  return plan(options, calibration, budget, best_kernels(), best_gptq_math());
}

Result<PlannedJob> Session::plan(const PlanOptions& options, const CalibrationOptions& calibration,
                                 const BudgetOptions& budget, const KernelSet& kernels, const GptqMath& math) const {
  PlannedJob p;
  p.plan = make_plan(*source_, options);
  if (calibration.enabled()) {
    auto file = open_calibration(calibration, *source_, p.plan, p.warnings);
    if (!file) return file.error();
    p.calibration = std::move(*file);
  }
  if (budget.enabled()) {
    const BudgetContext context{*source_, p.calibration.get(), calibration, kernels, math};
    if (auto s = apply_budget(context, budget, p.plan, p.notes); !s) return s.error();
  }
  return p;
}

RunEstimate Session::estimate(const Plan& plan, int threads, uint64_t sample_bytes) const {
  return estimate_run(*source_, plan, threads, sample_bytes);
}

Result<LayerHistograms> Session::histograms(std::size_t index, const std::vector<QuantScheme>& schemes,
                                            const HistogramOptions& options) const {
  return layer_histograms(*source_, index, schemes, options);
}

JobResult Session::run(const JobConfig& config, JobObserver& observer, const CancelToken& cancel) const {
  JobConfig held = config;
  held.input = path();
  held.open = open_;
  return run_on(this, held, observer, cancel);
}

}  // namespace aq
