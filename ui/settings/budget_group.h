#pragma once
// The "Size budget" group of the settings form: off, a target in bits per weight, or a total
// size; with a line under it saying what the budget does, or in red why the size cannot be read.
#include <QGroupBox>

#include "ui/settings/budget_settings.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;

namespace aqui {

class BudgetGroup : public QGroupBox {
  Q_OBJECT
 public:
  explicit BudgetGroup(QWidget* parent = nullptr);

  BudgetSettings value() const;
  /// Shows `s` without emitting changed().
  void setValue(const BudgetSettings& s);
  /// Why a run must not start with this budget; empty when it can.
  QString problem() const { return value().problem(); }
  QString statusText() const;

 signals:
  void changed();

 protected:
  void changeEvent(QEvent* e) override;

 private:
  void build();
  void showStatus();
  void edited();

  QComboBox* kind_ = nullptr;
  QDoubleSpinBox* bpw_ = nullptr;
  QLineEdit* size_ = nullptr;
  QLabel* status_ = nullptr;
  QString committedSize_;
  bool updating_ = false;
};

}  // namespace aqui
