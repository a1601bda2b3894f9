#pragma once
// The Settings dock: the settings form, the estimate for those settings, and the Quantize, Cancel
// and Compare buttons (mirrors of the window's actions), in a scroll area that only scrolls
// vertically.
#include <QDockWidget>

class QAction;

namespace aqui {

class EstimateView;
class SettingsPanel;

class SettingsDock : public QDockWidget {
  Q_OBJECT
 public:
  /// The buttons trigger `run` and `cancel` and follow their enabled state; Compare emits
  /// compareDefault() and follows `compare`'s.
  SettingsDock(QAction* run, QAction* cancel, QAction* compare, QWidget* parent = nullptr);

  SettingsPanel* panel() const { return panel_; }
  EstimateView* estimate() const { return estimate_; }

 signals:
  void compareDefault();  // INT2 / INT4 / INT8

 private:
  SettingsPanel* panel_;
  EstimateView* estimate_;
};

}  // namespace aqui
