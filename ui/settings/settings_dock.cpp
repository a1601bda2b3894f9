#include "ui/settings/settings_dock.h"

#include <QAction>
#include <QHBoxLayout>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include "ui/settings/estimate_view.h"
#include "ui/settings/settings_panel.h"

namespace aqui {
namespace {

// A button that triggers `action` and is enabled exactly when it is.
QPushButton* mirror(QAction* action, const QString& text, QWidget* owner) {
  auto* b = new QPushButton(action->icon(), text);
  b->setToolTip(action->toolTip());
  QObject::connect(b, &QPushButton::clicked, action, &QAction::trigger);
  QObject::connect(action, &QAction::changed, owner, [b, action] { b->setEnabled(action->isEnabled()); });
  return b;
}

}  // namespace

SettingsDock::SettingsDock(QAction* run, QAction* cancel, QAction* compare, QWidget* parent)
    : QDockWidget("Settings", parent), panel_(new SettingsPanel), estimate_(new EstimateView) {
  setObjectName("settingsDock");
  auto* runButton = mirror(run, "Quantize", this);
  runButton->setObjectName("runButton");
  auto* cancelButton = mirror(cancel, "Cancel", this);
  auto* compareButton = new QPushButton("Compare INT2 / INT4 / INT8");
  compareButton->setToolTip("Run INT2, INT4 and INT8 with the other settings unchanged, then compare them (Ctrl+B: another set)");
  connect(compareButton, &QPushButton::clicked, this, &SettingsDock::compareDefault);
  connect(compare, &QAction::changed, this, [compareButton, compare] { compareButton->setEnabled(compare->isEnabled()); });

  auto* body = new QWidget;
  auto* l = new QVBoxLayout(body);
  l->setContentsMargins(0, 0, 0, 0);
  l->addWidget(panel_);
  l->addWidget(estimate_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(runButton, 2);
  buttons->addWidget(cancelButton, 1);
  l->addLayout(buttons);
  l->addWidget(compareButton);
  l->addStretch();
  auto* scroll = new QScrollArea;
  scroll->setWidget(body);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setWidget(scroll);
  setMinimumWidth(330);
}

}  // namespace aqui
