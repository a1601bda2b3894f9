#pragma once
// The run settings form: presets, scheme, calibration, execution, output. Emits changed() on every edit.
#include <QWidget>

#include "ui/settings/presets.h"
#include "ui/settings/run_settings.h"

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QToolButton;

namespace aqui {

class BudgetGroup;
class CalibrationGroup;
class OutputFormatGroup;
class RuleEditor;

class SettingsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit SettingsPanel(QWidget* parent = nullptr);

  RunSettings settings() const;
  void setSettings(const RunSettings& s);
  void applyPreset(Preset p);
  /// Proposes an output path next to the model (or in the folder the user chose), named after the
  /// model and the settings, unless the user typed a name for this model.
  void setModelPath(const QString& modelPath);
  /// Locks the form while a job runs.
  void setRunning(bool running);
  CalibrationGroup* calibration() const { return calibration_; }
  BudgetGroup* budget() const { return budget_; }
  OutputFormatGroup* outputFormat() const { return format_; }
  RuleEditor* rules() const { return rules_; }

 signals:
  void changed(const aqui::RunSettings& settings);

 protected:
  void changeEvent(QEvent* e) override;

 private:
  void build();
  void onEdited();
  void refreshPresetState();
  void refreshOutputSuggestion();
  void applyFormatToControls();  // GGUF: the packed-integer controls are off, the path's extension follows
  void browseOutput();
  void outputChosen(const QString& path);  // typed or browsed: a folder, and maybe a name of one's own
  QString suggestedName() const;           // "demo-int4.safetensors" for the model and settings

  QButtonGroup* presetButtons_ = nullptr;
  QLabel* presetInfo_ = nullptr;
  QComboBox* bits_ = nullptr;
  QComboBox* group_ = nullptr;
  QSpinBox* customGroup_ = nullptr;
  QRadioButton* symmetric_ = nullptr;
  QRadioButton* asymmetric_ = nullptr;
  QComboBox* method_ = nullptr;
  QComboBox* mode_ = nullptr;
  QSpinBox* threads_ = nullptr;
  QCheckBox* writeOutput_ = nullptr;
  QLineEdit* output_ = nullptr;
  QToolButton* browse_ = nullptr;
  CalibrationGroup* calibration_ = nullptr;
  BudgetGroup* budget_ = nullptr;
  OutputFormatGroup* format_ = nullptr;
  RuleEditor* rules_ = nullptr;
  QWidget* presetRowGguf_ = nullptr;
  QString modelPath_;
  QString namedFor_;   // the model whose output name the user typed; another model gets its own
  QString outputDir_;  // the folder the user chose; empty: next to the model
  bool updating_ = false;   // setSettings() in progress: no changed() per field
};

}  // namespace aqui
