#pragma once
// Writes a report: HTML (self-contained), PDF (the same HTML laid out by QTextDocument), and the
// run data as JSON (aq::run_to_json) and CSV (aq::write_tensor_csv).
#include <QString>
#include <vector>

#include "report/report_document.h"
#include "ui/compare/run_history.h"

namespace aqui {

class ReportExporter {
 public:
  /// Each returns an empty string on success, else the reason.
  static QString writeHtml(const aq::ReportDocument& doc, const QString& path);
  static QString writePdf(const aq::ReportDocument& doc, const QString& path);
  /// One run: its JSON record. Several: {"runs": [{"label": ..., "run": {...}}, ...]}.
  static QString writeJson(const std::vector<RunRecord>& runs, const QString& path);
  /// One run: the per-tensor CSV. Several: the same rows with a leading "run" column.
  static QString writeCsv(const std::vector<RunRecord>& runs, const QString& path);
};

}  // namespace aqui
