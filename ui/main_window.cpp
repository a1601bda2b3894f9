#include "ui/main_window.h"

#include <QAction>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QIcon>
#include <QLineEdit>
#include <QMimeData>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>

#include "io/logical_model.h"
#include "io/model_source.h"
#include "job/session.h"
#include "ui/charts/accuracy_chart.h"
#include "ui/charts/live_charts_panel.h"
#include "ui/compare/bit_width_dialog.h"
#include "ui/compare/comparison_view.h"
#include "ui/compare/run_history.h"
#include "ui/compare/run_queue.h"
#include "ui/job/after_run_actions.h"
#include "ui/job/estimator.h"
#include "ui/job/job_controller.h"
#include "ui/job/log_view.h"
#include "ui/job/progress_status.h"
#include "ui/job/run_narrator.h"
#include "ui/model/layer_table_model.h"
#include "ui/model/layer_table_view.h"
#include "ui/model/model_session.h"
#include "ui/model/model_summary_view.h"
#include "ui/model/quantized_model_bar.h"
#include "ui/rules/layer_rule_menu.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/budget_group.h"
#include "ui/settings/calibration_group.h"
#include "ui/settings/estimate_view.h"
#include "ui/settings/settings_dock.h"
#include "ui/settings/settings_panel.h"
#include "ui/settings/theme.h"
#include "ui/util/error_banner.h"
#include "ui/util/format.h"

namespace aqui {

namespace {
OverwriteConfirmer& defaultConfirmer() {
  static OverwriteConfirmer confirmer = askToOverwrite;
  return confirmer;
}
}  // namespace

void MainWindow::setDefaultOverwriteConfirmer(OverwriteConfirmer confirmer) { defaultConfirmer() = std::move(confirmer); }

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      controller_(new JobController(this)),
      history_(new RunHistory(this)),
      queue_(new RunQueue(controller_, history_, this)),
      model_(new ModelSession(this)),
      estimator_(new Estimator(this)),
      afterRun_(new AfterRunActions(this)),
      confirmOverwrite_(defaultConfirmer()) {
  setObjectName("mainWindow");
  setWindowTitle("ArrowQuant");
  setWindowIcon(QIcon(":/icons/arrowquant.svg"));
  setAcceptDrops(true);
  buildActions();
  buildLayout();
  buildMenus();
  connectParts();
  restoreLayout();
  settings_->setSettings(AppSettings::runSettings());
  setDarkTheme(AppSettings::theme() == Theme::Dark);
  setBusy(false);
  log_->info(QString("ArrowQuant %1 ready. Open a model (Ctrl+O), drop one here, or open the demo model.")
                 .arg(AQ_VERSION));
}

MainWindow::~MainWindow() { controller_->stopAndWait(); }

// ------------------------------------------------------------------------------------ wiring

void MainWindow::connectParts() {
  connect(openAct_, &QAction::triggered, this, [this] {
    const QString start = model_->path().isEmpty() ? QString() : QFileInfo(model_->path()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(
        this, "Open model", start,
        "Models (*.safetensors *.json *.h5 *.hdf5 *.gguf);;All files (*)");
    if (!path.isEmpty()) openModel(path);
  });
  connect(demoAct_, &QAction::triggered, this, &MainWindow::openDemoModel);
  connect(runAct_, &QAction::triggered, this, &MainWindow::startRun);
  connect(cancelAct_, &QAction::triggered, this, &MainWindow::cancelRun);
  connect(compareAct_, &QAction::triggered, this, &MainWindow::compareDialog);
  connect(compareSelectedAct_, &QAction::triggered, this, &MainWindow::showComparison);
  connect(darkAct_, &QAction::toggled, this, &MainWindow::setDarkTheme);
  connect(resetLayoutAct_, &QAction::triggered, this, [this] { restoreState(defaultState_); });
  connect(quitAct_, &QAction::triggered, this, &QWidget::close);

  connect(model_, &ModelSession::loading, this, [this](const QString& what) {
    summary_->showLoading(what);
    log_->info(what);
    statusBar()->showMessage(what);
  });
  connect(model_, &ModelSession::opened, this, &MainWindow::onModelOpened);
  connect(model_, &ModelSession::failed, this, &MainWindow::onModelFailed);
  connect(model_, &ModelSession::openedQuantized, this, &MainWindow::onQuantizedLoaded);
  connect(quantizedBar_, &QuantizedModelBar::compared, this, [this](const QString& label, std::shared_ptr<const OriginalComparison> r) {
    layerModel_->applyResults(r->results);  // cosine, SQNR, error per tensor, as after a run
    live_->startRun(label);
    live_->accuracy()->addResults(label, r->results);
    log_->info(quantizedBar_->statusText());
  });

  connect(settings_, &SettingsPanel::changed, this, &MainWindow::onSettingsChanged);
  connect(settings_->calibration(), &CalibrationGroup::inspected, live_,
          [this](const CalibrationSummary& c) { live_->setBucketEdges(c.path, c.edges); });
  connect(estimator_, &Estimator::measuring, estimateView(), &EstimateView::showMeasuring);
  connect(estimator_, &Estimator::estimated, estimateView(), &EstimateView::showEstimate);
  connect(estimator_, &Estimator::estimated, layerModel_, &LayerTableModel::setPredicted);

  connect(controller_, &JobController::batchReady, this, &MainWindow::onBatch);
  connect(queue_, &RunQueue::jobStarting, this, &MainWindow::onJobStarting);
  connect(queue_, &RunQueue::runRecorded, this, &MainWindow::onRunRecorded);
  connect(queue_, &RunQueue::runFailed, this, [this](std::shared_ptr<const aq::JobResult> r) {
    narrator_->failed(*r, model_->source() ? model_->source()->tensors().size() : 0);
  });
  connect(queue_, &RunQueue::finished, this, &MainWindow::onQueueFinished);

  connect(layerView_, &LayerTableView::tensorSelected, comparison_, &ComparisonView::setLayer);
  connect(afterRun_, &AfterRunActions::openResultRequested, this, &MainWindow::openModel);
  connect(afterRun_, &AfterRunActions::commandCopied, this, [this](const QString& command) {
    log_->info("Copied the command line: " + command);
    statusBar()->showMessage("Command line copied", 5000);
  });
  connect(afterRun_, &AfterRunActions::verified, this, [this](const aq::RunVerification& v, const QString& file) {
    const QString text = "Verified: " + qstr(v.summary(sstr(file)));
    if (v.ok()) log_->info(text);
    else log_->error(text);
    layerModel_->setVerified(v);
  });
  connect(afterRun_, &AfterRunActions::verifyFailed, this,
          [this](const QString& message) { log_->error("Verification failed: " + message); });
  // Right-click on layers adds rules to the settings' list; its change re-plans the table.
  new LayerRuleMenu(layerView_, settings_->rules());
}

// ------------------------------------------------------------------------------ opening models

void MainWindow::openModel(const QString& path) {
  if (isBusy()) {
    log_->warning("A run is in progress; cancel it before opening another model.");
    return;
  }
  banner_->hide();
  model_->open(path);
}

void MainWindow::openDemoModel() {
  if (isBusy()) return;
  banner_->hide();
  model_->openDemo();
}

void MainWindow::onModelOpened(const QString& path, const QString& previousPath) {
  const auto& source = *model_->source();
  live_->clear();  // the charts of the previous model's run are not this model's
  quantizedBar_->clearModel();
  AppSettings::addRecentFile(path);
  setWindowTitle("ArrowQuant — " + QFileInfo(path).fileName());
  // A new model starts unfiltered; the runs of earlier models stay in Compare, labelled with theirs.
  if (path != previousPath) {
    if (!layerView_->filterEdit()->text().isEmpty()) log_->info("Layer filter cleared for the new model");
    layerView_->filterEdit()->clear();
  }
  layerModel_->setSource(&source);
  estimator_->setSession(model_->session());
  comparison_->setSession(model_->session());
  exports_->setModelPath(path);
  settings_->setModelPath(path);  // proposes an output path next to the model
  onSettingsChanged(settings_->settings());  // plan and estimate for this model
  const aq::Plan& plan = *model_->plan();
  summary_->setModel(source, plan);
  log_->info(QString("Opened %1: %2 (%3), %4 tensors, %5 parameters, %6")
                 .arg(path, qstr(std::string(aq::family_name(plan.family))), qstr(std::string(source.format())))
                 .arg(source.tensors().size())
                 .arg(formatParams(source.total_params()), formatBytes(source.total_bytes())));
  for (const auto& w : source.warnings()) log_->warning(qstr(w));
  statusBar()->showMessage("Opened " + QFileInfo(path).fileName(), 5000);
  setBusy(false);
  emit modelLoaded(path);
}

void MainWindow::onQuantizedLoaded(const QString& path, std::shared_ptr<const aq::LogicalModel> model) {
  // Read-only: with no source to quantize, Quantize and the estimate are off (setBusy).
  estimator_->setSession(nullptr);
  comparison_->setSession(nullptr);
  estimateView()->clear();
  exports_->setModelPath(path);
  layerModel_->setStoredModel(*model);
  summary_->setModel(model->source(), aq::Plan{});
  quantizedBar_->showModel(path, model);
  AppSettings::addRecentFile(path);
  setWindowTitle("ArrowQuant — " + QFileInfo(path).fileName() + " (read-only)");
  log_->info("Opened " + path + " read-only: it is quantized already. Compare with original… measures it.");
  statusBar()->showMessage("Opened " + QFileInfo(path).fileName() + " (read-only)", 5000);
  setBusy(false);
  emit modelLoaded(path);
}

void MainWindow::onModelFailed(const QString& path, const QString& message) {
  // The previous model (if any) stays open and usable.
  if (model_->source() && model_->plan()) summary_->setModel(*model_->source(), *model_->plan());
  else summary_->showError(message);
  banner_->showError("Could not open " + QFileInfo(path).fileName(), message);
  log_->error("Could not open " + path + ": " + message);
  statusBar()->showMessage("Could not open " + QFileInfo(path).fileName(), 8000);
  setBusy(false);
  emit modelFailed(path, message);
}

void MainWindow::onSettingsChanged(const RunSettings& s) {
  AppSettings::setRunSettings(s);
  if (!model_->replan(s.planOptions())) return;  // exact size and bits, instantly
  const aq::Plan& plan = *model_->plan();
  layerModel_->setPlan(plan);
  estimateView()->showPlan(plan);
  estimator_->request(plan, s.threads);
}

// -------------------------------------------------------------------------------------- runs

bool MainWindow::startRun() {
  if (!model_->source() || isBusy()) return false;
  return startRuns({settings_->settings().jobConfig(model_->path())});
}

bool MainWindow::startCompare(const std::vector<int>& bits) {
  if (!model_->source() || isBusy() || bits.empty()) return false;
  return startRuns(compareConfigs(settings_->settings(), model_->path(), bits));
}

bool MainWindow::startRuns(const std::vector<aq::JobConfig>& configs) {
  QString why = settings_->calibration()->problem();  // an unusable calibration file or timestep weights
  if (why.isEmpty()) why = settings_->budget()->problem();  // an unreadable target size
  if (!why.isEmpty()) {
    narrator_->notStarted(why);
    return false;
  }
  const QStringList existing = existingOutputs(configs);
  if (!existing.isEmpty() && !confirmOverwrite_(this, existing)) {
    narrator_->notStarted(QString("%1 existing output file(s) kept").arg(existing.size()), false);
    return false;
  }
  return queue_->start(configs, model_->session());  // the model as it is open, not opened again
}

void MainWindow::cancelRun() {
  if (!queue_->active()) return;
  narrator_->cancelling();
  queue_->cancel();
}

bool MainWindow::isBusy() const { return queue_->active() || controller_->isRunning(); }

void MainWindow::onJobStarting(int index, int total, const aq::JobConfig& config) {
  setBusy(true);
  banner_->hide();
  // Show the live view when a queue starts; switching tabs relays out every chart (~30 ms), so
  // not again between the runs of a comparison.
  if (index == 1) tabs_->setCurrentIndex(0);
  // The label the run will get in the history (RunHistory numbers runs in order).
  const QString label = QString("#%1 %2")
                            .arg(history_->runs().empty() ? 1 : history_->runs().back().id + 1)
                            .arg(shortSchemeLabel(config.plan.scheme));
  // The table and the charts are reset when the run's first events arrive, in the same repaint
  // as those events: repainting them twice would take CPU time from the job.
  runDisplay_ = {label, qstr(config.calibration.file.string())};
  // All of it is painted with the run's first events, or after kStartPaintDelayMs at most:
  // painting it at once took CPU time from the job's start on a machine with few cores.
  setUpdatesEnabled(false);
  QTimer::singleShot(kStartPaintDelayMs, this, [this] { setUpdatesEnabled(true); });
  narrator_->starting(index, total, config, QFileInfo(model_->path()).fileName());
}

void MainWindow::onBatch(const EventBatch& b) {
  const auto deferred = live_->deferAxes();  // emptied and filled: each axis laid out once
  if (runDisplay_) {  // the run's first events: the previous run's results go now
    layerModel_->clearResults();
    live_->startRun(runDisplay_->first, runDisplay_->second);
    runDisplay_.reset();
    setUpdatesEnabled(true);
  }
  if (b.plan) {
    layerModel_->setPlan(*b.plan);
    narrator_->planned(*b.plan);
  }
  std::vector<std::pair<aq::LogLevel, QString>> lines;
  lines.reserve(b.logs.size());
  for (const auto& l : b.logs) lines.emplace_back(l.level, qstr(l.message));
  log_->logMany(lines);
  if (!b.tensors.empty()) layerModel_->applyResults(b.tensors);
  live_->apply(b);
  if (b.progress) progress_->update(*b.progress);
}

void MainWindow::onRunRecorded(const RunRecord& run) {
  narrator_->recorded(run);
  exports_->updateActions();
  afterRun_->setRun(run);
  emit runRecorded(run.id);
}

void MainWindow::onQueueFinished(const std::vector<int>& ids, bool complete) {
  setBusy(false);
  narrator_->finished(ids, complete, history_->last());
  if (ids.size() >= 2) {
    comparison_->compare(ids);  // cheap while the tab is hidden
    // Showing the tab lays out three charts; a separate event-loop turn keeps the two costs
    // from adding up into one long pause.
    QTimer::singleShot(0, this, &MainWindow::showComparison);
  }
  emit runsFinished(ids, complete);
}

void MainWindow::setBusy(bool busy) {
  const bool haveModel = model_->source() != nullptr;
  runAct_->setEnabled(!busy && haveModel);
  compareAct_->setEnabled(!busy && haveModel);
  cancelAct_->setEnabled(busy);
  openAct_->setEnabled(!busy);
  demoAct_->setEnabled(!busy);
  exports_->updateActions();
  settings_->setRunning(busy);
  estimator_->setPaused(busy);  // a measurement would compete with the run for the cores
}

void MainWindow::showComparison() { tabs_->setCurrentWidget(comparison_); }

void MainWindow::compareDialog() {
  if (const auto bits = askBitWidths(this)) startCompare(*bits);
}

void MainWindow::setDarkTheme(bool dark) {
  applyTheme(dark ? Theme::Dark : Theme::Light);
  AppSettings::setTheme(dark ? Theme::Dark : Theme::Light);
  if (darkAct_->isChecked() != dark) darkAct_->setChecked(dark);
  for (ChartPanel* c : live_->charts()) c->setDarkTheme(dark);
  for (ChartPanel* c : comparison_->charts()) c->setDarkTheme(dark);
}

// ------------------------------------------------------------------------------------- parts

SettingsPanel* MainWindow::settingsPanel() const { return settingsDock_->panel(); }
EstimateView* MainWindow::estimateView() const { return settingsDock_->estimate(); }
std::shared_ptr<const aq::ModelSource> MainWindow::source() const { return model_->source(); }

// ------------------------------------------------------------------------------ window events

void MainWindow::closeEvent(QCloseEvent* e) {
  saveLayout();
  if (isBusy()) {
    // Quitting during a run: cancel, wait for the worker (a fraction of a second), then close.
    queue_->cancel();
    controller_->stopAndWait();
  }
  e->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
  if (e->mimeData()->hasUrls() && !e->mimeData()->urls().isEmpty() && e->mimeData()->urls().front().isLocalFile())
    e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
  const QString path = e->mimeData()->urls().front().toLocalFile();
  e->acceptProposedAction();
  openModel(path);
}

}  // namespace aqui
