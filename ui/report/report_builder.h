#pragma once
// Builds the aq::ReportDocument for one run or a comparison of runs: machine, settings, tool
// version, summary tables, per-tensor tables and the charts as PNG images. Rendering to HTML and
// Markdown is the core's (report/report_document.h), shared with the benchmark suite.
#include <QString>
#include <vector>

#include "report/report_document.h"
#include "ui/compare/run_history.h"

namespace aqui {

class ChartPanel;

struct ReportRequest {
  std::vector<RunRecord> runs;        // one: a run report; several: a comparison
  std::vector<ChartPanel*> charts;    // drawn into the report in this order
  bool perTensorTables = true;
};

aq::ReportDocument buildReport(const ReportRequest& request);

/// Settings of a run as (name, value) rows, as the report shows them.
std::vector<std::pair<std::string, std::string>> settingsRows(const aq::JobResult& r);

}  // namespace aqui
