#include "ui/compare/comparison_rows.h"

#include "report/run_stats.h"
#include "ui/util/format.h"

namespace aqui {

QStringList comparisonHeader() {
  return {"Run", "Model", "Scheme", "Mode", "Size", "Bits/w", "Mean SQNR", "Worst SQNR",
          "Mean cos", "Worst cos", "Rel. err", "Time", "Peak mem", "Worst layer"};
}

QString runModelName(const aq::JobResult& r) { return qstr(r.config.input.filename().string()); }

QString mixedModelsWarning(const std::vector<RunRecord>& runs) {
  QStringList paths, names;
  for (const auto& run : runs) {
    const QString path = qstr(run.result->config.input.string());
    if (paths.contains(path)) continue;
    paths << path;
    names << runModelName(*run.result);
  }
  if (paths.size() < 2) return {};
  if (names.removeDuplicates() > 0) names = paths;  // same file name in different folders
  return "These runs are of different models (" + names.join(", ") +
         "): the per-layer chart lines up tensors by their position in each model, and sizes and errors are of "
         "different weights.";
}

std::vector<QStringList> comparisonRows(const std::vector<RunRecord>& runs) {
  std::vector<QStringList> rows;
  for (const auto& run : runs) {
    const aq::JobResult& r = *run.result;
    const aq::RunStats s = aq::run_stats(r);
    rows.push_back({QString("#%1").arg(run.id), runModelName(r), qstr(r.config.plan.scheme.describe()),
                    qstr(std::string(aq::mode_name(r.config.mode))), formatBytes(r.output_bytes),
                    QString::number(r.bits_per_weight(), 'f', 2), formatDb(s.mean_sqnr_db),
                    formatDb(s.worst_sqnr_db), formatCosine(s.mean_cosine),
                    formatCosine(s.worst_cosine), formatPercent(s.overall.rel_fro_error),
                    formatSeconds(r.wall_s), formatMiB(r.peak_rss), qstr(s.worst_sqnr_layer)});
  }
  return rows;
}

}  // namespace aqui
