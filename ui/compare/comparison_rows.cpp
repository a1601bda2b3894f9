#include "ui/compare/comparison_rows.h"

#include "ui/compare/run_stats.h"
#include "ui/util/format.h"

namespace aqui {

QStringList comparisonHeader() {
  return {"Run", "Scheme", "Mode", "Size", "Bits/w", "Mean SQNR", "Worst SQNR",
          "Mean cos", "Worst cos", "Rel. err", "Time", "Peak mem", "Worst layer"};
}

std::vector<QStringList> comparisonRows(const std::vector<RunRecord>& runs) {
  std::vector<QStringList> rows;
  for (const auto& run : runs) {
    const aq::JobResult& r = *run.result;
    const RunStats s = run_stats(r);
    rows.push_back({QString("#%1").arg(run.id), qstr(r.config.plan.scheme.describe()),
                    qstr(std::string(aq::mode_name(r.config.mode))), formatBytes(r.output_bytes),
                    QString::number(r.bits_per_weight(), 'f', 2), formatDb(s.mean_sqnr_db),
                    formatDb(s.worst_sqnr_db), formatCosine(s.mean_cosine),
                    formatCosine(s.worst_cosine), formatPercent(s.overall.rel_fro_error),
                    formatSeconds(r.wall_s), formatMiB(r.peak_rss), qstr(s.worst_sqnr_layer)});
  }
  return rows;
}

}  // namespace aqui
