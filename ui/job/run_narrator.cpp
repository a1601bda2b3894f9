#include "ui/job/run_narrator.h"

#include <QStatusBar>
#include <filesystem>

#include "report/rule_counts.h"
#include "report/run_stats.h"
#include "ui/job/log_view.h"
#include "ui/job/progress_status.h"
#include "ui/util/error_banner.h"
#include "ui/util/format.h"

namespace aqui {

RunNarrator::RunNarrator(LogView* log, ErrorBanner* banner, ProgressStatus* progress, QStatusBar* status, QObject* parent)
    : QObject(parent), log_(log), banner_(banner), progress_(progress), status_(status) {}

void RunNarrator::starting(int index, int total, const aq::JobConfig& config, const QString& modelName) {
  const QString description = qstr(config.plan.scheme.describe());
  const QString what = total > 1 ? QString("Run %1/%2: %3").arg(index).arg(total).arg(description)
                                 : QString("Quantizing: %1").arg(description);
  status_->clearMessage();
  progress_->start(what);
  log_->info(what + " — " + modelName);
}

void RunNarrator::planned(const aq::Plan& plan) {
  log_->info(QString("Plan: %1 of %2 tensors quantized, %3 kept in float; output %4, %5 bits/weight")
                 .arg(plan.quantized_count)
                 .arg(plan.tensors.size())
                 .arg(plan.tensors.size() - plan.quantized_count)
                 .arg(formatBytes(plan.output_bytes))
                 .arg(plan.bits_per_weight(), 0, 'f', 2));
  // The engine logs each tensor's decision itself; this is the per-rule count.
  std::vector<std::pair<aq::LogLevel, QString>> lines;
  for (const auto& c : aq::kept_rule_counts(plan))
    lines.emplace_back(aq::LogLevel::Info, QString("  rule %1: %2 tensors").arg(qstr(c.rule)).arg(c.tensors));
  log_->logMany(lines);
}

void RunNarrator::recorded(const RunRecord& run) {
  const aq::JobResult& r = *run.result;
  const aq::RunStats s = aq::run_stats(r);
  log_->info(QString("Run %1 finished in %2: %3 → %4 (%5 bits/weight), mean SQNR %6, worst %7 (%8), "
                     "peak memory %9")
                 .arg(run.label, formatSeconds(r.wall_s), formatBytes(r.input_bytes),
                      formatBytes(r.output_bytes))
                 .arg(r.bits_per_weight(), 0, 'f', 2)
                 .arg(formatDb(s.mean_sqnr_db), formatDb(s.worst_sqnr_db), qstr(s.worst_sqnr_layer),
                      formatMiB(r.peak_rss)));
  for (const auto& w : r.warnings) log_->warning(qstr(w));
  if (!r.config.output.empty())
    log_->info(QString("Wrote %1 (%2)").arg(qstr(r.config.output.string()), formatBytes(r.output_file_bytes)));
}

void RunNarrator::failed(const aq::JobResult& r, std::size_t modelTensors) {
  if (r.status == aq::JobStatus::Cancelled) {
    std::error_code ec;
    const bool left = !r.config.output.empty() && std::filesystem::exists(r.config.output, ec);
    log_->warning(QString("Run cancelled after %1 (%2 of %3 tensors done); %4")
                      .arg(formatSeconds(r.wall_s))
                      .arg(r.tensors.size())
                      .arg(modelTensors)
                      .arg(left ? "an output file exists at " + qstr(r.config.output.string())
                                : QString("no output file written")));
    return;
  }
  const QString msg = qstr(r.error.message());
  log_->error("Run failed: " + msg);
  for (const auto& w : r.warnings) log_->warning(qstr(w));
  banner_->showError("The run failed", msg);
}

void RunNarrator::finished(const std::vector<int>& ids, bool complete, const RunRecord* last) {
  if (!complete) progress_->finish(ids.empty() ? "Run stopped" : "Runs stopped early");
  else if (last) progress_->finish(QString("Done: %1 in %2").arg(last->label, formatSeconds(last->result->wall_s)));
}

void RunNarrator::cancelling() { log_->warning("Cancelling…"); }

void RunNarrator::notStarted(const QString& why, bool showBanner) {
  if (showBanner) {
    log_->error("Run not started: " + why);
    banner_->showError("Run not started", why);
  } else {
    log_->info("Run not started: " + why);
  }
}

}  // namespace aqui
