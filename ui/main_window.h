#pragma once
// The main window: menus, docks and tabs, and the wiring between the parts. Each part is its own
// class — the open model (ModelSession), the settings dock (SettingsDock), what is said about
// runs (RunNarrator), exports (ExportController), after-run actions, table, charts, comparison —
// and this one connects them.
#include <QMainWindow>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "plan/plan.h"
#include "ui/job/overwrite_check.h"
#include "ui/report/export_controller.h"
#include "ui/settings/run_settings.h"

namespace aq {
class LogicalModel;
class ModelSource;
class Session;
struct JobConfig;
struct JobResult;
}  // namespace aq

class QAction;
class QDockWidget;
class QLabel;
class QSplitter;
class QTabWidget;

namespace aqui {

class AfterRunActions;
class ComparisonView;
class ErrorBanner;
class EstimateView;
class Estimator;
class JobController;
class LayerTableModel;
class LayerTableView;
class LiveChartsPanel;
class LogView;
class ModelSession;
class ModelSummaryView;
class ProgressStatus;
class QuantizedModelBar;
class RunHistory;
class RunNarrator;
class RunQueue;
class SettingsDock;
class SettingsPanel;
struct EventBatch;
struct RunRecord;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  using ReportScope = ExportController::Scope;
  /// A run's start is shown with its first events, or after this long at most.
  static constexpr int kStartPaintDelayMs = 100;

  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  void openModel(const QString& path);
  void openDemoModel();
  /// Runs the current settings on the open model; false if nothing is open or a job runs.
  bool startRun();
  /// The same settings at each of `bits`, one after the other, then the comparison view.
  bool startCompare(const std::vector<int>& bits);
  void cancelRun();
  bool isBusy() const;
  /// Who answers "replace existing files?" before a run (a dialog; tests give an answer).
  void setOverwriteConfirmer(OverwriteConfirmer confirmer) { confirmOverwrite_ = std::move(confirmer); }
  /// The confirmer new windows start with (tests that drive many windows answer once, here).
  static void setDefaultOverwriteConfirmer(OverwriteConfirmer confirmer);
  void showComparison();
  void setDarkTheme(bool dark);

  // Exports; each returns an empty string on success, else the error (also logged).
  QString exportReportHtml(const QString& path, ReportScope scope = ReportScope::Auto) { return exports_->html(path, scope); }
  QString exportReportPdf(const QString& path, ReportScope scope = ReportScope::Auto) { return exports_->pdf(path, scope); }
  QString exportJson(const QString& path, ReportScope scope = ReportScope::Auto) { return exports_->json(path, scope); }
  QString exportCsv(const QString& path, ReportScope scope = ReportScope::Auto) { return exports_->csv(path, scope); }
  QString exportCharts(const QString& dir, ReportScope scope = ReportScope::Auto) { return exports_->charts(dir, scope); }

  // The parts the launch options drive (tests find the others by type: guitest::part).
  SettingsPanel* settingsPanel() const;
  ComparisonView* comparison() const { return comparison_; }
  QuantizedModelBar* quantizedBar() const { return quantizedBar_; }
  JobController* controller() const { return controller_; }
  std::shared_ptr<const aq::ModelSource> source() const;

 signals:
  void modelLoaded(const QString& path);
  void modelFailed(const QString& path, const QString& message);
  void runRecorded(int runId);
  /// A queue of runs (one run or a comparison) is over; `complete` when all succeeded.
  void runsFinished(const std::vector<int>& ids, bool complete);

 protected:
  void closeEvent(QCloseEvent* e) override;
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dropEvent(QDropEvent* e) override;

 private:
  bool startRuns(const std::vector<aq::JobConfig>& configs);  // after asking before replacing files
  void buildActions();
  void buildMenus();
  void buildLayout();
  void connectParts();
  void restoreLayout();
  void saveLayout();

  void onModelOpened(const QString& path, const QString& previousPath);
  void onModelFailed(const QString& path, const QString& message);
  void onQuantizedLoaded(const QString& path, std::shared_ptr<const aq::LogicalModel> model);
  void onSettingsChanged(const RunSettings& s);
  void onJobStarting(int index, int total, const aq::JobConfig& config);
  void onBatch(const EventBatch& b);
  void onRunRecorded(const RunRecord& run);
  void onQueueFinished(const std::vector<int>& ids, bool complete);
  void setBusy(bool busy);
  void compareDialog();
  EstimateView* estimateView() const;

  // Engine-facing parts.
  JobController* controller_;
  RunHistory* history_;
  RunQueue* queue_;
  ModelSession* model_;
  Estimator* estimator_;
  AfterRunActions* afterRun_;
  std::optional<std::pair<QString, QString>> runDisplay_;  // label and calibration file of a run yet to show

  // Widgets.
  QTabWidget* tabs_;
  ErrorBanner* banner_;
  ModelSummaryView* summary_;
  QuantizedModelBar* quantizedBar_;
  LayerTableModel* layerModel_;
  LayerTableView* layerView_;
  LiveChartsPanel* live_;
  QSplitter* runSplit_;
  ComparisonView* comparison_;
  SettingsDock* settingsDock_;
  SettingsPanel* settings_;  // settingsDock_'s
  LogView* log_;
  RunNarrator* narrator_;
  ExportController* exports_;
  OverwriteConfirmer confirmOverwrite_;
  ProgressStatus* progress_;
  QDockWidget* logDock_;
  QByteArray defaultState_;

  // Actions.
  QAction* openAct_;
  QAction* demoAct_;
  QAction* runAct_;
  QAction* cancelAct_;
  QAction* compareAct_;
  QAction* compareSelectedAct_;
  QAction* darkAct_;
  QAction* resetLayoutAct_;
  QAction* quitAct_;
};

}  // namespace aqui
