#pragma once
// Help for a main window: Help ▸ Manual (F1), Help ▸ What's This? (Shift+F1), and the links in
// "What's this?" texts (ui/charts/chart_help.h) that open the manual at a section.
#include <QObject>
#include <QPointer>

#include "ui/help/manual_window.h"

class QAction;
class QMenu;
class QWidget;

namespace aqui {

class HelpController : public QObject {
  Q_OBJECT
 public:
  /// Help for `window` (its child; the shortcuts work anywhere in it).
  explicit HelpController(QWidget* window);

  /// Adds Manual and What's This? to `menu`.
  void addTo(QMenu* menu);
  QAction* manualAction() const { return manualAct_; }
  QAction* whatsThisAction() const { return whatsThisAct_; }
  /// Opens the manual (created on first use) at `anchor`, or at the top.
  void showManual(const QString& anchor = {});
  /// The manual window, once opened; null before.
  ManualWindow* manual() const { return manual_; }

 protected:
  bool eventFilter(QObject* watched, QEvent* e) override;

 private:
  QWidget* window_;
  QAction* manualAct_;
  QAction* whatsThisAct_;
  QPointer<ManualWindow> manual_;
};

}  // namespace aqui
