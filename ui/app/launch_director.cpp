#include "ui/app/launch_director.h"

#include <QApplication>
#include <QIcon>
#include <QPainter>
#include <QPixmap>
#include <QTimer>
#include <cstdio>

#include "ui/compare/comparison_view.h"
#include "ui/help/help_controller.h"
#include "ui/help/manual_window.h"
#include "ui/job/job_controller.h"
#include "ui/main_window.h"
#include "ui/model/quantized_model_bar.h"
#include "ui/rules/rule_editor.h"
#include "ui/settings/settings_panel.h"

// Resources live in the static aq_ui library; the linker keeps them only when referenced, and
// Q_INIT_RESOURCE must be called outside any namespace.
static void initArrowquantResources() { Q_INIT_RESOURCE(arrowquant); }

namespace aqui {

void initUiResources() { initArrowquantResources(); }

void initApplication() {
  initUiResources();
  QCoreApplication::setOrganizationName("ArrowQuant");
  QCoreApplication::setApplicationName("arrowquant");
  QCoreApplication::setApplicationVersion(AQ_VERSION);
  QApplication::setWindowIcon(QIcon(":/icons/arrowquant.svg"));
}

LaunchDirector::LaunchDirector(MainWindow* window, LaunchOptions options, QObject* parent)
    : QObject(parent), window_(window), opts_(std::move(options)) {}

void LaunchDirector::start() {
  if (!opts_.theme.isEmpty()) window_->setDarkTheme(opts_.theme == "dark");
  if (opts_.windowSize.isValid()) window_->resize(opts_.windowSize);
  if (!opts_.calibration.isEmpty()) {  // like choosing it in the settings (and remembered the same way)
    RunSettings s = window_->settingsPanel()->settings();
    s.calibration.file = opts_.calibration;
    window_->settingsPanel()->setSettings(s);
  }
  if (!opts_.ggmlType.isEmpty()) {  // like choosing GGUF and the type under Output format
    RunSettings s = window_->settingsPanel()->settings();
    s.format = OutputFormat::Gguf;
    s.ggml_type = opts_.ggmlType;
    window_->settingsPanel()->setSettings(s);
  }
  if (!opts_.rules.isEmpty()) {  // like adding them in Settings ▸ Per-layer rules
    RunSettings s = window_->settingsPanel()->settings();
    s.rules = opts_.rules;
    window_->settingsPanel()->setSettings(s);
  }
  if (opts_.manual)
    if (auto* help = window_->findChild<HelpController*>()) help->showManual();
  connect(window_, &MainWindow::modelLoaded, this, &LaunchDirector::onModelLoaded);
  connect(window_, &MainWindow::modelFailed, this, [this] {
    if (!opts_.screenshot.isEmpty()) screenshotSoon();  // document the error view too
  });
  if (!opts_.screenshot.isEmpty() && opts_.screenshotAtProgress >= 0) {
    connect(window_->controller(), &JobController::batchReady, this, [this](const EventBatch& b) {
      if (b.progress && b.progress->fraction() >= opts_.screenshotAtProgress) screenshotSoon();
    });
  }
  if (opts_.demo) window_->openDemoModel();
  else if (!opts_.model.isEmpty()) window_->openModel(opts_.model);
  else if (!opts_.screenshot.isEmpty()) screenshotSoon();
}

void LaunchDirector::onModelLoaded() {
  if (!opts_.rules.isEmpty()) window_->settingsPanel()->rules()->reveal();  // rules asked for are shown
  if (!opts_.compareWith.isEmpty() && window_->quantizedBar()->isVisibleTo(window_)) {
    if (!opts_.screenshot.isEmpty()) {
      connect(window_->quantizedBar(), &QuantizedModelBar::compared, this, &LaunchDirector::screenshotSoon);
      connect(window_->quantizedBar(), &QuantizedModelBar::compareFailed, this, &LaunchDirector::screenshotSoon);
    }
    window_->quantizedBar()->compareWith(opts_.compareWith);
    return;
  }
  if (!opts_.compareBits.empty()) {
    screenshotAnyQuestion();
    window_->startCompare(opts_.compareBits);
    if (!opts_.screenshot.isEmpty()) {
      // The comparison screenshot waits for the histogram of the chosen layer.
      connect(window_, &MainWindow::runsFinished, this, [this] {
        connect(window_->comparison(), &ComparisonView::histogramUpdated, this, &LaunchDirector::screenshotSoon);
        QTimer::singleShot(5000, this, &LaunchDirector::screenshotSoon);  // in case it never comes
      });
    }
    return;
  }
  if (opts_.run) {
    screenshotAnyQuestion();
    window_->startRun();
  }
  if (!opts_.screenshot.isEmpty() && opts_.screenshotAtProgress < 0) screenshotSoon();
}

void LaunchDirector::screenshotSoon() {
  if (armed_ || done_) return;
  armed_ = true;
  QTimer::singleShot(opts_.screenshotAfterMs, this, &LaunchDirector::takeScreenshot);
}

void LaunchDirector::screenshotAnyQuestion() {
  if (opts_.screenshot.isEmpty()) return;
  // Runs in the dialog's own event loop, if one is up.
  QTimer::singleShot(0, this, [this] {
    if (QApplication::activeModalWidget()) screenshotSoon();
  });
}

void LaunchDirector::takeScreenshot() {
  done_ = true;
  QPixmap shot = window_->grab();
  // The manual and a question the window waits on are windows of their own: drawn over the
  // main window where they stand on screen.
  QWidget* question = QApplication::activeModalWidget();
  auto* help = window_->findChild<HelpController*>();
  QWidget* manual = help && help->manual() && help->manual()->isVisible() ? help->manual() : nullptr;
  for (QWidget* over : {manual, question}) {
    if (!over || over == window_) continue;
    QPainter p(&shot);
    p.drawPixmap(over->geometry().topLeft() - window_->geometry().topLeft(), over->grab());
  }
  if (shot.save(opts_.screenshot, "PNG"))
    std::fprintf(stderr, "arrowquant: screenshot %dx%d saved to %s\n", shot.width(), shot.height(),
                 qPrintable(opts_.screenshot));
  else
    std::fprintf(stderr, "arrowquant: could not save the screenshot to %s\n", qPrintable(opts_.screenshot));
  if (!opts_.quitAfterScreenshot) return;
  if (question && question != window_) question->close();  // "no": nothing is replaced
  window_->close();
}

}  // namespace aqui
