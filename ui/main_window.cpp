#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QLineEdit>
#include <QScreen>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <filesystem>
#include <map>

#include "io/logical_model.h"
#include "io/model_source.h"
#include "job/session.h"
#include "ui/app/window_fit.h"
#include "ui/job/after_run_actions.h"
#include "ui/charts/accuracy_chart.h"
#include "ui/charts/chart_exporter.h"
#include "ui/charts/live_charts_panel.h"
#include "ui/compare/bit_width_dialog.h"
#include "ui/compare/comparison_view.h"
#include "ui/compare/run_history.h"
#include "ui/compare/run_queue.h"
#include "report/rule_counts.h"
#include "report/run_stats.h"
#include "ui/help/help_controller.h"
#include "ui/job/estimator.h"
#include "ui/job/job_controller.h"
#include "ui/job/log_view.h"
#include "ui/job/progress_status.h"
#include "ui/model/layer_table_model.h"
#include "ui/model/layer_table_view.h"
#include "ui/model/model_loader.h"
#include "ui/model/model_summary_view.h"
#include "ui/model/quantized_model_bar.h"
#include "ui/report/pdf_layout.h"
#include "ui/report/report_builder.h"
#include "ui/report/report_exporter.h"
#include "ui/rules/layer_rule_menu.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/budget_group.h"
#include "ui/settings/calibration_group.h"
#include "ui/settings/estimate_view.h"
#include "ui/settings/recent_files_menu.h"
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
      loader_(new ModelLoader(this)),
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

// ---------------------------------------------------------------------------------- building

void MainWindow::buildActions() {
  const auto icon = [this](QStyle::StandardPixmap p) { return style()->standardIcon(p); };
  openAct_ = new QAction(icon(QStyle::SP_DialogOpenButton), "&Open…", this);
  openAct_->setShortcut(QKeySequence::Open);
  openAct_->setToolTip("Open a .safetensors file, a sharded index, an HDF5 file, a GGUF file or a diffusers folder");
  demoAct_ = new QAction(QIcon(":/icons/arrowquant.svg"), "Open &Demo Model", this);
  demoAct_->setToolTip("The built-in DiT-S/2-shaped demo model (generated locally, nothing downloaded)");
  runAct_ = new QAction(icon(QStyle::SP_MediaPlay), "&Quantize", this);
  runAct_->setShortcut(Qt::Key_F5);
  runAct_->setToolTip("Quantize the open model with these settings (F5)");
  cancelAct_ = new QAction(icon(QStyle::SP_MediaStop), "&Cancel", this);
  cancelAct_->setShortcut(Qt::Key_Escape);
  cancelAct_->setShortcutContext(Qt::WindowShortcut);
  cancelAct_->setToolTip("Stop the run; no output file is left behind (Esc)");
  compareAct_ = new QAction(icon(QStyle::SP_FileDialogDetailedView), "Compare &Bit Widths…", this);
  compareAct_->setShortcut(QKeySequence("Ctrl+B"));
  compareAct_->setToolTip("Run INT2, INT4 and INT8 (or a chosen set) with the other settings unchanged");
  compareSelectedAct_ = new QAction("Compare Ticked &Runs", this);
  darkAct_ = new QAction("&Dark Theme", this);
  darkAct_->setCheckable(true);
  resetLayoutAct_ = new QAction("&Reset Layout", this);
  quitAct_ = new QAction("&Quit", this);
  quitAct_->setShortcut(QKeySequence::Quit);
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu("&File");
  file->addAction(openAct_);
  auto* recent = new RecentFilesMenu(this);
  connect(recent, &RecentFilesMenu::openRequested, this, &MainWindow::openModel);
  file->addMenu(recent);
  file->addAction(demoAct_);
  file->addSeparator();
  QMenu* exp = file->addMenu("&Export");
  const std::pair<const char*, const char*> kinds[] = {
      {"Report as &HTML…", "html"}, {"Report as &PDF…", "pdf"}, {"Data as &JSON…", "json"},
      {"Data as &CSV…", "csv"},     {"All &Charts (PNG + SVG)…", "charts"}};
  for (const auto& [text, kind] : kinds) {
    QAction* a = exp->addAction(text);
    const QString k = kind;
    connect(a, &QAction::triggered, this, [this, k] { exportDialog(k); });
    exportActs_ << a;
  }
  exportActs_.front()->setShortcut(QKeySequence("Ctrl+E"));
  exportActs_.front()->setIconText("Export Report");
  exportActs_.front()->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
  file->addSeparator();
  file->addAction(quitAct_);

  QMenu* run = menuBar()->addMenu("&Run");
  run->addAction(runAct_);
  run->addAction(cancelAct_);
  run->addSeparator();
  run->addAction(compareAct_);
  run->addAction(compareSelectedAct_);
  run->addSeparator();
  for (QAction* a : {afterRun_->openFolderAction(), afterRun_->verifyAction(), afterRun_->openResultAction(),
                     afterRun_->copyCommandAction()})
    run->addAction(a);

  QMenu* view = menuBar()->addMenu("&View");
  view->addAction(settingsDock_->toggleViewAction());
  view->addAction(logDock_->toggleViewAction());
  view->addSeparator();
  view->addAction(darkAct_);
  view->addAction(resetLayoutAct_);

  QMenu* help = menuBar()->addMenu("&Help");
  (new HelpController(this))->addTo(help);  // Manual (F1), What's This? (Shift+F1)
  help->addAction("&About ArrowQuant", this, [this] {
    QMessageBox::about(this, "About ArrowQuant",
                       QString("<b>ArrowQuant %1</b><p>Quantizes diffusion-model weights to INT2–INT8 "
                               "and measures what it costs in accuracy.</p><p>The same engine runs "
                               "headless: <code>arrowquant-cli quantize MODEL -o OUT.safetensors</code></p>")
                           .arg(AQ_VERSION));
  });

  QToolBar* tb = addToolBar("Main");
  tb->setObjectName("mainToolBar");
  tb->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  tb->addAction(openAct_);
  tb->addAction(demoAct_);
  tb->addSeparator();
  tb->addAction(runAct_);
  tb->addAction(cancelAct_);
  tb->addAction(compareAct_);
  tb->addSeparator();
  tb->addAction(exportActs_.front());
}

void MainWindow::buildLayout() {
  // Run tab: the model and its layers on top, the live charts below.
  summary_ = new ModelSummaryView;
  layerModel_ = new LayerTableModel(this);
  layerView_ = new LayerTableView(layerModel_);
  auto* top = new QWidget;
  auto* topLayout = new QVBoxLayout(top);
  topLayout->setContentsMargins(0, 0, 0, 0);
  topLayout->addWidget(summary_);
  quantizedBar_ = new QuantizedModelBar;  // shown while a quantized file is open
  topLayout->addWidget(quantizedBar_);
  topLayout->addWidget(afterRun_->bar());  // shown once a run has finished
  topLayout->addWidget(layerView_, 1);
  live_ = new LiveChartsPanel;
  runSplit_ = new QSplitter(Qt::Vertical);
  runSplit_->setObjectName("runSplitter");
  runSplit_->addWidget(top);
  runSplit_->addWidget(live_);
  runSplit_->setStretchFactor(0, 3);
  runSplit_->setStretchFactor(1, 2);

  comparison_ = new ComparisonView(history_);
  tabs_ = new QTabWidget;
  tabs_->setObjectName("tabs");
  tabs_->addTab(runSplit_, "Model && run");
  tabs_->addTab(comparison_, "Compare runs");

  banner_ = new ErrorBanner;
  auto* central = new QWidget;
  auto* cl = new QVBoxLayout(central);
  cl->setContentsMargins(4, 4, 4, 0);
  cl->addWidget(banner_);
  cl->addWidget(tabs_, 1);
  setCentralWidget(central);

  // Settings dock: the form, the estimate and the two big buttons.
  settings_ = new SettingsPanel;
  estimateView_ = new EstimateView;
  auto* runButton = new QPushButton(runAct_->icon(), "Quantize");
  runButton->setObjectName("runButton");
  auto* cancelButton = new QPushButton(cancelAct_->icon(), "Cancel");
  auto* compareButton = new QPushButton("Compare INT2 / INT4 / INT8");
  runButton->setToolTip(runAct_->toolTip());
  cancelButton->setToolTip(cancelAct_->toolTip());
  compareButton->setToolTip("Run INT2, INT4 and INT8 with the other settings unchanged, then compare them (Ctrl+B: another set)");
  connect(runButton, &QPushButton::clicked, runAct_, &QAction::trigger);
  connect(cancelButton, &QPushButton::clicked, cancelAct_, &QAction::trigger);
  connect(compareButton, &QPushButton::clicked, this, [this] { startCompare({2, 4, 8}); });
  connect(runAct_, &QAction::changed, runButton, [runButton, this] { runButton->setEnabled(runAct_->isEnabled()); });
  connect(cancelAct_, &QAction::changed, cancelButton, [cancelButton, this] { cancelButton->setEnabled(cancelAct_->isEnabled()); });
  connect(compareAct_, &QAction::changed, compareButton, [compareButton, this] { compareButton->setEnabled(compareAct_->isEnabled()); });
  auto* dockBody = new QWidget;
  auto* dl = new QVBoxLayout(dockBody);
  dl->setContentsMargins(0, 0, 0, 0);
  dl->addWidget(settings_);
  dl->addWidget(estimateView_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(runButton, 2);
  buttons->addWidget(cancelButton, 1);
  dl->addLayout(buttons);
  dl->addWidget(compareButton);
  dl->addStretch();
  auto* scroll = new QScrollArea;
  scroll->setWidget(dockBody);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  settingsDock_ = new QDockWidget("Settings", this);
  settingsDock_->setObjectName("settingsDock");
  settingsDock_->setWidget(scroll);
  settingsDock_->setMinimumWidth(330);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  addDockWidget(Qt::LeftDockWidgetArea, settingsDock_);

  log_ = new LogView;
  logDock_ = new QDockWidget("Log", this);
  logDock_->setObjectName("logDock");
  logDock_->setWidget(log_);
  addDockWidget(Qt::BottomDockWidgetArea, logDock_);

  resizeDocks({settingsDock_}, {400}, Qt::Horizontal);
  runSplit_->setSizes({440, 360});

  progress_ = new ProgressStatus;
  statusBar()->addPermanentWidget(progress_);
}

void MainWindow::connectParts() {
  connect(openAct_, &QAction::triggered, this, [this] {
    const QString start = modelPath_.isEmpty() ? QString() : QFileInfo(modelPath_).absolutePath();
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

  connect(loader_, &ModelLoader::loading, this, [this](const QString& what) {
    summary_->showLoading(what);
    log_->info(what);
    statusBar()->showMessage(what);
  });
  connect(loader_, &ModelLoader::loaded, this, &MainWindow::onModelLoaded);
  connect(loader_, &ModelLoader::failed, this, &MainWindow::onModelFailed);
  connect(loader_, &ModelLoader::loadedQuantized, this, &MainWindow::onQuantizedLoaded);
  connect(quantizedBar_, &QuantizedModelBar::compared, this, [this](const QString& label, std::shared_ptr<const OriginalComparison> r) {
    layerModel_->applyResults(r->results);  // cosine, SQNR, error per tensor, as after a run
    live_->startRun(label);
    live_->accuracy()->addResults(label, r->results);
    log_->info(quantizedBar_->statusText());
  });

  connect(settings_, &SettingsPanel::changed, this, &MainWindow::onSettingsChanged);
  connect(settings_->calibration(), &CalibrationGroup::inspected, live_,
          [this](const CalibrationSummary& c) { live_->setBucketEdges(c.path, c.edges); });
  connect(estimator_, &Estimator::measuring, estimateView_, &EstimateView::showMeasuring);
  connect(estimator_, &Estimator::estimated, estimateView_, &EstimateView::showEstimate);
  connect(estimator_, &Estimator::estimated, layerModel_, &LayerTableModel::setPredicted);

  connect(controller_, &JobController::batchReady, this, &MainWindow::onBatch);
  connect(queue_, &RunQueue::jobStarting, this, &MainWindow::onJobStarting);
  connect(queue_, &RunQueue::runRecorded, this, &MainWindow::onRunRecorded);
  connect(queue_, &RunQueue::runFailed, this, [this](std::shared_ptr<const aq::JobResult> r) { onRunFailed(*r); });
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

void MainWindow::restoreLayout() {
  // The default fits the screen the window opens on; a saved geometry is used only if it still
  // fits that screen (another monitor, another scaling).
  const QRect available = screen()->availableGeometry();
  resize(defaultWindowSize(available.size(), minimumSizeHint()));
  if (logBesideSettings(available.height())) {  // a short screen: the layer table needs the height
    tabifyDockWidget(settingsDock_, logDock_);
    settingsDock_->raise();
  } else {
    resizeDocks({logDock_}, {defaultLogHeight(available.height())}, Qt::Vertical);
  }
  defaultState_ = saveState();
  const QSize defaultSize = size();
  if (restoreGeometry(AppSettings::windowGeometry()) && !fitsOn(frameGeometry(), available)) {
    resize(defaultSize);
    move(available.center() - rect().center());
  }
  restoreState(AppSettings::windowState());
  runSplit_->restoreState(AppSettings::splitterState("run"));
  live_->splitter()->restoreState(AppSettings::splitterState("live"));
  comparison_->splitter()->restoreState(AppSettings::splitterState("compare"));
}

void MainWindow::saveLayout() {
  AppSettings::saveWindow(saveGeometry(), saveState());
  AppSettings::saveSplitter("run", runSplit_->saveState());
  AppSettings::saveSplitter("live", live_->splitter()->saveState());
  AppSettings::saveSplitter("compare", comparison_->splitter()->saveState());
  AppSettings::setRunSettings(settings_->settings());
}

// ------------------------------------------------------------------------------ opening models

void MainWindow::openModel(const QString& path) {
  if (isBusy()) {
    log_->warning("A run is in progress; cancel it before opening another model.");
    return;
  }
  banner_->hide();
  loader_->open(path);
}

void MainWindow::openDemoModel() {
  if (isBusy()) return;
  banner_->hide();
  loader_->openDemo();
}

void MainWindow::onModelLoaded(const QString& path, std::shared_ptr<const aq::Session> session) {
  session_ = std::move(session);
  source_ = session_->shared_source();
  live_->clear();  // the charts of the previous model's run are not this model's
  const QString previousPath = modelPath_;
  modelPath_ = path;
  quantizedBar_->clearModel();
  AppSettings::addRecentFile(path);
  setWindowTitle("ArrowQuant — " + QFileInfo(path).fileName());
  // A new model starts unfiltered; the runs of earlier models stay in Compare, labelled with theirs.
  if (path != previousPath) {
    if (!layerView_->filterEdit()->text().isEmpty()) log_->info("Layer filter cleared for the new model");
    layerView_->filterEdit()->clear();
  }
  layerModel_->setSource(source_.get());
  estimator_->setSession(session_);
  comparison_->setSource(source_);
  settings_->setModelPath(path);  // proposes an output path next to the model
  onSettingsChanged(settings_->settings());  // plan and estimate for this model
  summary_->setModel(*source_, *plan_);
  log_->info(QString("Opened %1: %2 (%3), %4 tensors, %5 parameters, %6")
                 .arg(path, qstr(std::string(aq::family_name(plan_->family))),
                      qstr(std::string(source_->format())))
                 .arg(source_->tensors().size())
                 .arg(formatParams(source_->total_params()), formatBytes(source_->total_bytes())));
  for (const auto& w : source_->warnings()) log_->warning(qstr(w));
  statusBar()->showMessage("Opened " + QFileInfo(path).fileName(), 5000);
  setBusy(false);
  emit modelLoaded(path);
}

void MainWindow::onQuantizedLoaded(const QString& path, std::shared_ptr<const aq::LogicalModel> model) {
  // Read-only: with no source to quantize, Quantize and the estimate are off (setBusy).
  session_.reset();
  source_.reset();
  plan_.reset();
  modelPath_ = path;
  estimator_->setSession(nullptr);
  comparison_->setSource(nullptr);
  estimateView_->clear();
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
  if (source_) summary_->setModel(*source_, *plan_);
  else summary_->showError(message);
  banner_->showError("Could not open " + QFileInfo(path).fileName(), message);
  log_->error("Could not open " + path + ": " + message);
  statusBar()->showMessage("Could not open " + QFileInfo(path).fileName(), 8000);
  setBusy(false);
  emit modelFailed(path, message);
}

void MainWindow::onSettingsChanged(const RunSettings& s) {
  AppSettings::setRunSettings(s);
  if (!source_) return;
  plan_ = aq::make_plan(*source_, s.planOptions());  // exact size and bits, instantly
  layerModel_->setPlan(*plan_);
  estimateView_->showPlan(*plan_);
  estimator_->request(*plan_, s.threads);
}

// -------------------------------------------------------------------------------------- runs

bool MainWindow::startRun() {
  if (!source_ || isBusy()) return false;
  return startRuns({settings_->settings().jobConfig(modelPath_)});
}

bool MainWindow::startCompare(const std::vector<int>& bits) {
  if (!source_ || isBusy() || bits.empty()) return false;
  return startRuns(compareConfigs(settings_->settings(), modelPath_, bits));
}

bool MainWindow::startRuns(const std::vector<aq::JobConfig>& configs) {
  QString why = settings_->calibration()->problem();  // an unusable calibration file or timestep weights
  if (why.isEmpty()) why = settings_->budget()->problem();  // an unreadable target size
  if (!why.isEmpty()) {
    log_->error("Run not started: " + why);
    banner_->showError("Run not started", why);
    return false;
  }
  const QStringList existing = existingOutputs(configs);
  if (!existing.isEmpty() && !confirmOverwrite_(this, existing)) {
    log_->info(QString("Run not started: %1 existing output file(s) kept").arg(existing.size()));
    return false;
  }
  return queue_->start(configs, session_);  // the model as it is open, not opened again
}

void MainWindow::cancelRun() {
  if (!queue_->active()) return;
  log_->warning("Cancelling…");
  queue_->cancel();
}

bool MainWindow::isBusy() const { return queue_->active() || controller_->isRunning(); }

void MainWindow::onJobStarting(int index, int total, const aq::JobConfig& config) {
  const QString description = qstr(config.plan.scheme.describe());
  const auto& s = config.plan.scheme;
  setBusy(true);
  banner_->hide();
  // Show the live view when a queue starts; switching tabs relays out every chart (~30 ms), so
  // not again between the runs of a comparison.
  if (index == 1) tabs_->setCurrentIndex(0);
  // The label the run will get in the history (RunHistory numbers runs in order).
  const QString label = QString("#%1 %2")
                            .arg(history_->runs().empty() ? 1 : history_->runs().back().id + 1)
                            .arg(shortSchemeLabel(s));
  const QString what = total > 1 ? QString("Run %1/%2: %3").arg(index).arg(total).arg(description)
                                 : QString("Quantizing: %1").arg(description);
  statusBar()->clearMessage();
  // The table and the charts are reset when the run's first events arrive, in the same repaint
  // as those events: repainting them twice would take CPU time from the job.
  runDisplay_ = {label, qstr(config.calibration.file.string())};
  // All of it is painted with the run's first events, or after kStartPaintDelayMs at most:
  // painting it at once took CPU time from the job's start on a machine with few cores.
  setUpdatesEnabled(false);
  QTimer::singleShot(kStartPaintDelayMs, this, [this] { setUpdatesEnabled(true); });
  progress_->start(what);
  log_->info(what + " — " + QFileInfo(modelPath_).fileName());
}

void MainWindow::onBatch(const EventBatch& b) {
  if (runDisplay_) {  // the run's first events: the previous run's results go now
    layerModel_->clearResults();
    live_->startRun(runDisplay_->first, runDisplay_->second);
    runDisplay_.reset();
    setUpdatesEnabled(true);
  }
  if (b.plan) {
    layerModel_->setPlan(*b.plan);
    logPlan(*b.plan);
  }
  std::vector<std::pair<aq::LogLevel, QString>> lines;
  lines.reserve(b.logs.size());
  for (const auto& l : b.logs) lines.emplace_back(l.level, qstr(l.message));
  log_->logMany(lines);
  if (!b.tensors.empty()) layerModel_->applyResults(b.tensors);
  live_->apply(b);
  if (b.progress) progress_->update(*b.progress);
}

void MainWindow::logPlan(const aq::Plan& plan) {
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

void MainWindow::onRunRecorded(const RunRecord& run) {
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
  updateExportActions();
  afterRun_->setRun(run);
  emit runRecorded(run.id);
}

void MainWindow::onRunFailed(const aq::JobResult& r) {
  const QString msg = qstr(r.error.message());
  if (r.status == aq::JobStatus::Cancelled) {
    std::error_code ec;
    const bool left = !r.config.output.empty() && std::filesystem::exists(r.config.output, ec);
    log_->warning(QString("Run cancelled after %1 (%2 of %3 tensors done); %4")
                      .arg(formatSeconds(r.wall_s))
                      .arg(r.tensors.size())
                      .arg(source_ ? source_->tensors().size() : 0)
                      .arg(left ? "an output file exists at " + qstr(r.config.output.string())
                                : QString("no output file written")));
    return;
  }
  log_->error("Run failed: " + msg);
  for (const auto& w : r.warnings) log_->warning(qstr(w));
  banner_->showError("The run failed", msg);
}

void MainWindow::onQueueFinished(const std::vector<int>& ids, bool complete) {
  setBusy(false);
  const RunRecord* last = history_->last();
  if (!complete) progress_->finish(ids.empty() ? "Run stopped" : "Runs stopped early");
  else if (last) progress_->finish(QString("Done: %1 in %2").arg(last->label, formatSeconds(last->result->wall_s)));
  if (ids.size() >= 2) {
    comparison_->compare(ids);  // cheap while the tab is hidden
    // Showing the tab lays out three charts; a separate event-loop turn keeps the two costs
    // from adding up into one long pause.
    QTimer::singleShot(0, this, &MainWindow::showComparison);
  }
  emit runsFinished(ids, complete);
}

void MainWindow::updateExportActions() {
  const bool any = history_->last() != nullptr;
  for (QAction* a : exportActs_) {
    a->setEnabled(any);
    a->setToolTip(any ? a->text().remove('&').remove("…") : "Nothing to export yet: finish a run first");
  }
}

void MainWindow::setBusy(bool busy) {
  const bool haveModel = source_ != nullptr;
  runAct_->setEnabled(!busy && haveModel);
  compareAct_->setEnabled(!busy && haveModel);
  cancelAct_->setEnabled(busy);
  openAct_->setEnabled(!busy);
  demoAct_->setEnabled(!busy);
  updateExportActions();
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

// ------------------------------------------------------------------------------------ exports

std::vector<RunRecord> MainWindow::reportRuns(ReportScope scope) const {
  if (scope == ReportScope::Auto)
    scope = tabs_->currentWidget() == comparison_ && comparison_->comparedRuns().size() >= 2
                ? ReportScope::Comparison
                : ReportScope::CurrentRun;
  if (scope == ReportScope::Comparison) return comparison_->comparedRuns();
  if (const RunRecord* r = history_->last()) return {*r};
  return {};
}

QString MainWindow::exportWith(const QString& what, const QString& path, ReportScope scope,
                               const std::function<QString(const std::vector<RunRecord>&)>& write) {
  const auto runs = reportRuns(scope);
  QString err = runs.empty() ? QString("nothing to export yet: finish a run first") : write(runs);
  if (err.isEmpty()) {
    log_->info(QString("Exported %1 to %2").arg(what, path));
    statusBar()->showMessage("Exported " + QFileInfo(path).fileName(), 5000);
  } else {
    log_->error(QString("Export of %1 failed: %2").arg(what, err));
  }
  return err;
}

QString MainWindow::exportReportHtml(const QString& path, ReportScope scope) {
  const bool cmp = reportRuns(scope).size() > 1;
  return exportWith("the HTML report", path, scope, [&](const std::vector<RunRecord>& runs) {
    return ReportExporter::writeHtml(buildReport({runs, cmp ? comparison_->charts() : live_->charts()}), path);
  });
}

QString MainWindow::exportReportPdf(const QString& path, ReportScope scope) {
  const bool cmp = reportRuns(scope).size() > 1;
  return exportWith("the PDF report", path, scope, [&](const std::vector<RunRecord>& runs) {
    ReportRequest request{runs, cmp ? comparison_->charts() : live_->charts()};
    request.chartSize = kPdfChartSize;  // full text width with legible labels
    request.chartScale = 3.0;
    return ReportExporter::writePdf(buildReport(request), path);
  });
}

QString MainWindow::exportJson(const QString& path, ReportScope scope) {
  return exportWith("the JSON data", path, scope,
                    [&](const std::vector<RunRecord>& runs) { return ReportExporter::writeJson(runs, path); });
}

QString MainWindow::exportCsv(const QString& path, ReportScope scope) {
  return exportWith("the CSV data", path, scope,
                    [&](const std::vector<RunRecord>& runs) { return ReportExporter::writeCsv(runs, path); });
}

QString MainWindow::exportCharts(const QString& dir, ReportScope scope) {
  const bool cmp = reportRuns(scope).size() > 1;
  QString err;
  const QStringList files = ChartExporter::saveAll(cmp ? comparison_->charts() : live_->charts(), dir,
                                                   cmp ? "compare" : "run", &err);
  if (err.isEmpty()) log_->info(QString("Exported %1 chart files to %2").arg(files.size()).arg(dir));
  else log_->error("Chart export failed: " + err);
  return err;
}

void MainWindow::exportDialog(const QString& kind) {
  const QString base = QFileInfo(modelPath_).completeBaseName();
  QString path;
  if (kind == "charts") {
    path = QFileDialog::getExistingDirectory(this, "Export charts to folder");
    if (!path.isEmpty()) exportCharts(path);
    return;
  }
  const std::map<QString, QString> filters = {{"html", "HTML (*.html)"}, {"pdf", "PDF (*.pdf)"},
                                              {"json", "JSON (*.json)"}, {"csv", "CSV (*.csv)"}};
  path = QFileDialog::getSaveFileName(this, "Export", base + "-report." + kind, filters.at(kind));
  if (path.isEmpty()) return;
  QString err;
  if (kind == "html") err = exportReportHtml(path);
  else if (kind == "pdf") err = exportReportPdf(path);
  else if (kind == "json") err = exportJson(path);
  else err = exportCsv(path);
  if (!err.isEmpty()) QMessageBox::warning(this, "Export", err);
}

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
