#include "ui/report/export_controller.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <map>

#include "ui/charts/chart_exporter.h"
#include "ui/charts/live_charts_panel.h"
#include "ui/compare/comparison_view.h"
#include "ui/job/log_view.h"
#include "ui/report/pdf_layout.h"
#include "ui/report/report_builder.h"
#include "ui/report/report_exporter.h"

namespace aqui {

ExportController::ExportController(const Parts& parts, QObject* parent) : QObject(parent), p_(parts) {}

void ExportController::addActionsTo(QMenu* menu) {
  const std::pair<const char*, const char*> kinds[] = {
      {"Report as &HTML…", "html"}, {"Report as &PDF…", "pdf"}, {"Data as &JSON…", "json"},
      {"Data as &CSV…", "csv"},     {"All &Charts (PNG + SVG)…", "charts"}};
  for (const auto& [text, kind] : kinds) {
    QAction* a = menu->addAction(text);
    const QString k = kind;
    connect(a, &QAction::triggered, this, [this, k] { dialog(k); });
    actions_ << a;
  }
  actions_.front()->setShortcut(QKeySequence("Ctrl+E"));
  actions_.front()->setIconText("Export Report");
  actions_.front()->setIcon(QApplication::style()->standardIcon(QStyle::SP_DialogSaveButton));
  updateActions();
}

QAction* ExportController::reportAction() const { return actions_.front(); }

void ExportController::updateActions() {
  const bool any = p_.history->last() != nullptr;
  for (QAction* a : actions_) {
    a->setEnabled(any);
    a->setToolTip(any ? a->text().remove('&').remove("…") : "Nothing to export yet: finish a run first");
  }
}

std::vector<RunRecord> ExportController::runs(Scope scope) const {
  if (scope == Scope::Auto)
    scope = p_.tabs->currentWidget() == p_.comparison && p_.comparison->comparedRuns().size() >= 2 ? Scope::Comparison
                                                                                                 : Scope::CurrentRun;
  if (scope == Scope::Comparison) return p_.comparison->comparedRuns();
  if (const RunRecord* r = p_.history->last()) return {*r};
  return {};
}

QString ExportController::exportWith(const QString& what, const QString& path, Scope scope,
                                     const std::function<QString(const std::vector<RunRecord>&)>& write) {
  const auto chosen = runs(scope);
  QString err = chosen.empty() ? QString("nothing to export yet: finish a run first") : write(chosen);
  if (err.isEmpty()) {
    p_.log->info(QString("Exported %1 to %2").arg(what, path));
    p_.status->showMessage("Exported " + QFileInfo(path).fileName(), 5000);
  } else {
    p_.log->error(QString("Export of %1 failed: %2").arg(what, err));
  }
  return err;
}

std::vector<ChartPanel*> ExportController::chartsFor(const std::vector<RunRecord>& chosen) const {
  return chosen.size() > 1 ? p_.comparison->charts() : p_.live->charts();
}

QString ExportController::html(const QString& path, Scope scope) {
  return exportWith("the HTML report", path, scope, [&](const std::vector<RunRecord>& chosen) {
    return ReportExporter::writeHtml(buildReport({chosen, chartsFor(chosen)}), path);
  });
}

QString ExportController::pdf(const QString& path, Scope scope) {
  return exportWith("the PDF report", path, scope, [&](const std::vector<RunRecord>& chosen) {
    ReportRequest request{chosen, chartsFor(chosen)};
    request.chartSize = kPdfChartSize;  // full text width with legible labels
    request.chartScale = 3.0;
    return ReportExporter::writePdf(buildReport(request), path);
  });
}

QString ExportController::json(const QString& path, Scope scope) {
  return exportWith("the JSON data", path, scope,
                    [&](const std::vector<RunRecord>& chosen) { return ReportExporter::writeJson(chosen, path); });
}

QString ExportController::csv(const QString& path, Scope scope) {
  return exportWith("the CSV data", path, scope,
                    [&](const std::vector<RunRecord>& chosen) { return ReportExporter::writeCsv(chosen, path); });
}

QString ExportController::charts(const QString& dir, Scope scope) {
  const auto chosen = runs(scope);
  QString err;
  const QStringList files = ChartExporter::saveAll(chartsFor(chosen), dir, chosen.size() > 1 ? "compare" : "run", &err);
  if (err.isEmpty()) p_.log->info(QString("Exported %1 chart files to %2").arg(files.size()).arg(dir));
  else p_.log->error("Chart export failed: " + err);
  return err;
}

void ExportController::dialog(const QString& kind) {
  if (kind == "charts") {
    const QString dir = QFileDialog::getExistingDirectory(p_.dialogParent, "Export charts to folder");
    if (!dir.isEmpty()) charts(dir);
    return;
  }
  const std::map<QString, QString> filters = {{"html", "HTML (*.html)"}, {"pdf", "PDF (*.pdf)"},
                                              {"json", "JSON (*.json)"}, {"csv", "CSV (*.csv)"}};
  const QString base = QFileInfo(modelPath_).completeBaseName();
  const QString path = QFileDialog::getSaveFileName(p_.dialogParent, "Export", base + "-report." + kind, filters.at(kind));
  if (path.isEmpty()) return;
  QString err;
  if (kind == "html") err = html(path);
  else if (kind == "pdf") err = pdf(path);
  else if (kind == "json") err = json(path);
  else err = csv(path);
  if (!err.isEmpty()) QMessageBox::warning(p_.dialogParent, "Export", err);
}

}  // namespace aqui
