#pragma once
// Builds the aq::ReportDocument for one run or a comparison of runs: machine, settings, tool
// version, summary tables, per-tensor tables and the charts as PNG images. Rendering to HTML and
// Markdown is the core's (report/report_document.h), shared with the benchmark suite.
#include <QString>
#include <vector>

#include "report/report_document.h"
#include "ui/charts/chart_panel.h"
#include "ui/compare/run_history.h"

namespace aqui {


struct ReportRequest {
  std::vector<RunRecord> runs;        // one: a run report; several: a comparison
  std::vector<ChartPanel*> charts;    // drawn into the report in this order
  bool perTensorTables = true;
  QSize chartSize = ChartPanel::kExportSize;  // the size the charts are drawn at, and their pixel scale
  qreal chartScale = 2.0;
};

/// Sections in reading order: the summary first (a run's totals, or the runs side by side), then
/// the charts, warnings, and the per-tensor results last.
aq::ReportDocument buildReport(const ReportRequest& request);

/// Settings of a run as (name, value) rows, as the report shows them.
std::vector<std::pair<std::string, std::string>> settingsRows(const aq::JobResult& r);

}  // namespace aqui
