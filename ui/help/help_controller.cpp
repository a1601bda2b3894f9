#include "ui/help/help_controller.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QWhatsThis>
#include <QWhatsThisClickedEvent>

#include "ui/charts/chart_help.h"
#include "ui/help/manual_window.h"

namespace aqui {

HelpController::HelpController(QWidget* window) : QObject(window), window_(window) {
  setObjectName("helpController");
  manualAct_ = new QAction("&Manual", this);
  manualAct_->setObjectName("helpManual");
  manualAct_->setShortcut(QKeySequence::HelpContents);  // F1
  manualAct_->setShortcutContext(Qt::WindowShortcut);
  manualAct_->setToolTip("The manual: concepts, a first run, what each chart shows, the command line (F1)");
  connect(manualAct_, &QAction::triggered, this, [this] { showManual(); });
  whatsThisAct_ = QWhatsThis::createAction(this);  // Shift+F1, then click a chart or a setting
  whatsThisAct_->setObjectName("helpWhatsThis");
  // On the window itself too, so the shortcuts work whether or not the menu bar is shown.
  window_->addAction(manualAct_);
  window_->addAction(whatsThisAct_);
  // A "What's this?" link is delivered to the widget it describes: watch them all.
  qApp->installEventFilter(this);
}

void HelpController::addTo(QMenu* menu) {
  menu->addAction(manualAct_);
  menu->addAction(whatsThisAct_);
  menu->addSeparator();
}

void HelpController::showManual(const QString& anchor) {
  if (!manual_) manual_ = new ManualWindow(window_);
  manual_->showSection(anchor);
}

bool HelpController::eventFilter(QObject* watched, QEvent* e) {
  if (e->type() != QEvent::WhatsThisClicked) return false;
  auto* w = qobject_cast<QWidget*>(watched);
  if (!w || w->window() != window_) return false;  // another main window's help
  const QString anchor = anchorOfManualLink(static_cast<QWhatsThisClickedEvent*>(e)->href());
  if (anchor.isEmpty()) return false;
  showManual(anchor);
  return true;
}

}  // namespace aqui
