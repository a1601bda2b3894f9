#pragma once
// The "Calibration" group of the settings form: the calibration file (docs/CALIBRATION.md) with
// browse and clear buttons, the damping, act-order, the timestep weights (checked against the
// file's bucket count, with their own message line) and no-compensation, and a status line
// saying what the file holds or why it cannot be used. The file is read off the GUI thread
// whenever it changes.
#include <QGroupBox>
#include <optional>

#include "ui/settings/calibration_inspector.h"
#include "ui/settings/calibration_settings.h"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace aqui {

class CalibrationGroup : public QGroupBox {
  Q_OBJECT
 public:
  explicit CalibrationGroup(QWidget* parent = nullptr);

  CalibrationSettings value() const;
  /// Shows `s` without emitting changed(); reads the file if it is not the one already read.
  void setValue(const CalibrationSettings& s);

  /// Why a run must not start with this file: the engine's message (naming the file) when the
  /// chosen file was read and is invalid, else what is wrong with the timestep weights. Empty
  /// when no file is chosen, the file is valid, is still being read, or changed on disk since
  /// (it is read again; the run checks it anyway).
  QString problem();
  /// The timestep weights' message line (empty when they are fine).
  QString weightsText() const;
  /// What was read of the chosen file, once read.
  std::optional<CalibrationSummary> summary() const;
  QString statusText() const;
  bool reading() const { return inspector_->busy(); }

 signals:
  void changed();
  /// A file was read (valid or not): the charts label timestep buckets with its edges.
  void inspected(const aqui::CalibrationSummary& summary);

 protected:
  void changeEvent(QEvent* e) override;

 private:
  void build();
  void browse();
  void commitFile();  // the path was edited, chosen or cleared
  void inspectIfNeeded();
  void onInspected(const CalibrationSummary& s);
  void showStatus();
  void showWeightsStatus();

  QLineEdit* file_ = nullptr;
  QToolButton* browse_ = nullptr;
  QToolButton* clear_ = nullptr;
  QDoubleSpinBox* damping_ = nullptr;
  QCheckBox* actOrder_ = nullptr;
  QLineEdit* weights_ = nullptr;
  QLabel* weightsStatus_ = nullptr;
  QCheckBox* noCompensation_ = nullptr;
  QLabel* status_ = nullptr;
  CalibrationInspector* inspector_ = nullptr;
  std::optional<CalibrationSummary> summary_;  // of the file last read, whatever it was
  QString committed_;                          // the path changed() was last emitted for
  QString committedWeights_;                   // the weights changed() was last emitted for
  QString inspecting_;                         // the path being read, while reading()
  bool updating_ = false;
};

}  // namespace aqui
