// MainWindow's actions, menus, toolbar, tabs and docks, and the layout kept between launches.
// The wiring between the parts, and what the window does, are in main_window.cpp.
#include <QAction>
#include <QDockWidget>
#include <QIcon>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include "ui/app/window_fit.h"
#include "ui/charts/live_charts_panel.h"
#include "ui/compare/comparison_view.h"
#include "ui/help/help_controller.h"
#include "ui/job/after_run_actions.h"
#include "ui/job/log_view.h"
#include "ui/job/progress_status.h"
#include "ui/job/run_narrator.h"
#include "ui/main_window.h"
#include "ui/model/layer_table_model.h"
#include "ui/model/layer_table_view.h"
#include "ui/model/model_summary_view.h"
#include "ui/model/quantized_model_bar.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/recent_files_menu.h"
#include "ui/settings/settings_dock.h"
#include "ui/settings/settings_panel.h"
#include "ui/util/error_banner.h"

namespace aqui {

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
  exports_->addActionsTo(file->addMenu("&Export"));
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
  tb->addAction(exports_->reportAction());
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

  settingsDock_ = new SettingsDock(runAct_, cancelAct_, compareAct_, this);
  settings_ = settingsDock_->panel();
  connect(settingsDock_, &SettingsDock::compareDefault, this, [this] { startCompare({2, 4, 8}); });
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
  narrator_ = new RunNarrator(log_, banner_, progress_, statusBar(), this);
  exports_ = new ExportController({this, history_, comparison_, live_, tabs_, log_, statusBar()}, this);
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

}  // namespace aqui
