#include "ui/settings/budget_group.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <algorithm>

#include "ui/settings/theme.h"

namespace aqui {

BudgetGroup::BudgetGroup(QWidget* parent) : QGroupBox("Size budget", parent) {
  setObjectName("budgetGroup");
  build();
  setValue({});
}

void BudgetGroup::build() {
  setToolTip("Mixed precision: each quantized tensor gets the bits and group size (or ggml type) that keep\n"
             "the total error smallest while the output stays within the budget. The error is measured\n"
             "on a sample of each tensor's rows: the output error with a calibration file, else the weight error.");
  auto* form = new QFormLayout(this);
  kind_ = new QComboBox;
  kind_->setObjectName("budgetKind");
  kind_->addItem("off", int(BudgetSettings::Kind::Off));
  kind_->addItem("bits per weight", int(BudgetSettings::Kind::BitsPerWeight));
  kind_->addItem("total size", int(BudgetSettings::Kind::Size));
  kind_->setToolTip("Off: one scheme for every tensor. Otherwise a target for the whole output's tensor data\n"
                    "(--target-bpw or --target-size); kept tensors count too.");
  bpw_ = new QDoubleSpinBox;
  bpw_->setObjectName("budgetBpw");
  bpw_->setRange(BudgetSettings::kMinBpw, BudgetSettings::kMaxBpw);
  bpw_->setDecimals(2);
  bpw_->setSingleStep(0.25);
  bpw_->setSuffix(" bpw");
  bpw_->setToolTip("Bits per weight of the whole output, scales, zero points and kept tensors included (--target-bpw)");
  size_ = new QLineEdit;
  size_->setObjectName("budgetSize");
  size_->setPlaceholderText("e.g. 2GB, 800MB, 1.5GiB");
  size_->setToolTip("Tensor data of the whole output (--target-size): B, KB, MB, GB, TB (powers of 1000)\n"
                    "or KiB, MiB, GiB, TiB (powers of 1024)");
  auto* row = new QHBoxLayout;
  row->addWidget(kind_, 1);
  row->addWidget(bpw_, 1);
  row->addWidget(size_, 1);
  form->addRow("Target", row);
  status_ = new QLabel;
  status_->setObjectName("budgetStatus");
  status_->setWordWrap(true);
  status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  status_->setToolTip("What the budget does, or why it cannot be used");
  form->addRow(status_);

  connect(kind_, &QComboBox::currentIndexChanged, this, &BudgetGroup::edited);
  connect(bpw_, &QDoubleSpinBox::valueChanged, this, &BudgetGroup::edited);
  connect(size_, &QLineEdit::textEdited, this, &BudgetGroup::showStatus);
  connect(size_, &QLineEdit::editingFinished, this, [this] {
    if (size_->text().trimmed() == committedSize_) return;
    committedSize_ = size_->text().trimmed();
    edited();
  });
}

BudgetSettings BudgetGroup::value() const {
  BudgetSettings s;
  s.kind = BudgetSettings::Kind(kind_->currentData().toInt());
  s.bpw = bpw_->value();
  s.size = size_->text().trimmed();
  return s;
}

void BudgetGroup::setValue(const BudgetSettings& s) {
  updating_ = true;
  kind_->setCurrentIndex(std::max(0, kind_->findData(int(s.kind))));
  bpw_->setValue(s.bpw);
  size_->setText(s.size);
  committedSize_ = s.size.trimmed();
  updating_ = false;
  showStatus();
}

void BudgetGroup::edited() {
  showStatus();
  if (!updating_) emit changed();
}

QString BudgetGroup::statusText() const { return status_->text(); }

void BudgetGroup::showStatus() {
  const BudgetSettings s = value();
  bpw_->setVisible(s.kind == BudgetSettings::Kind::BitsPerWeight);
  size_->setVisible(s.kind == BudgetSettings::Kind::Size);
  const QString why = s.problem();
  QString text;
  if (!why.isEmpty()) text = why;
  else if (s.enabled()) text = "Each tensor gets the scheme that keeps the total error least within the budget.";
  else text = "Off: every quantized tensor gets the scheme above.";
  status_->setText(text);
  status_->setForegroundRole(why.isEmpty() ? QPalette::PlaceholderText : QPalette::WindowText);
  const QString style = why.isEmpty() ? QString() : QString("color: %1;").arg(errorTextColor(palette()).name());
  if (status_->styleSheet() != style) status_->setStyleSheet(style);
}

void BudgetGroup::changeEvent(QEvent* e) {
  QGroupBox::changeEvent(e);
  if (e->type() == QEvent::PaletteChange && status_) showStatus();  // the error colour follows the theme
}

}  // namespace aqui
