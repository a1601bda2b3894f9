#include "ui/settings/settings_panel.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>

#include "io/output_formats.h"
#include "quant/scheme_traits.h"
#include "ui/settings/calibration_group.h"

namespace aqui {
namespace {
constexpr int kCustomGroup = -1;
}

SettingsPanel::SettingsPanel(QWidget* parent) : QWidget(parent) {
  build();
  setSettings(RunSettings{});
}

void SettingsPanel::build() {
  auto* root = new QVBoxLayout(this);
  root->setContentsMargins(6, 6, 6, 6);

  // Presets, with what each one sets spelled out underneath.
  auto* presetBox = new QGroupBox("Deployment preset");
  auto* presetLayout = new QVBoxLayout(presetBox);
  auto* buttons = new QHBoxLayout;
  presetButtons_ = new QButtonGroup(this);
  presetButtons_->setExclusive(false);  // "no preset" is a valid state once edited by hand
  for (const auto& p : presets()) {
    auto* b = new QPushButton(p.name);
    b->setCheckable(true);
    b->setObjectName("preset" + p.name);
    b->setToolTip(QString("<b>%1</b>: %2<br>Sets %3").arg(p.name, p.purpose, presetSummary(p.id)));
    presetButtons_->addButton(b, int(p.id));
    buttons->addWidget(b);
  }
  presetLayout->addLayout(buttons);
  presetInfo_ = new QLabel;
  presetInfo_->setWordWrap(true);
  presetInfo_->setTextFormat(Qt::RichText);
  presetLayout->addWidget(presetInfo_);
  root->addWidget(presetBox);
  connect(presetButtons_, &QButtonGroup::idClicked, this, [this](int id) { applyPreset(Preset(id)); });

  auto* quantBox = new QGroupBox("Quantization");
  auto* form = new QFormLayout(quantBox);
  bits_ = new QComboBox;
  bits_->setObjectName("bits");
  for (const auto& scheme : aq::scheme_table()) bits_->addItem(QString("INT%1").arg(scheme.bits), scheme.bits);
  form->addRow("Bit width", bits_);

  group_ = new QComboBox;
  group_->setObjectName("groupSize");
  for (int g : kGroupSizes) group_->addItem(QString::number(g), g);
  group_->addItem("per-channel", 0);
  group_->addItem("custom…", kCustomGroup);
  customGroup_ = new QSpinBox;
  customGroup_->setRange(8, 1 << 16);
  customGroup_->setSingleStep(8);
  customGroup_->setValue(96);
  customGroup_->setToolTip("Custom group size (at least 8 elements)");
  auto* groupRow = new QHBoxLayout;
  groupRow->addWidget(group_, 1);
  groupRow->addWidget(customGroup_);
  form->addRow("Group size", groupRow);

  symmetric_ = new QRadioButton("symmetric");
  asymmetric_ = new QRadioButton("asymmetric");
  symmetric_->setToolTip("No zero point stored: smaller, slightly less accurate on skewed groups");
  asymmetric_->setToolTip("A zero point per group: uses every level on skewed ranges");
  auto* symRow = new QHBoxLayout;
  symRow->addWidget(symmetric_);
  symRow->addWidget(asymmetric_);
  symRow->addStretch();
  form->addRow("Range", symRow);

  method_ = new QComboBox;
  method_->setObjectName("method");
  method_->addItem("range search", int(aq::Method::Search));
  method_->addItem("min-max", int(aq::Method::MinMax));
  method_->setToolTip("Range search tries shrunken ranges per group and keeps the least error");
  form->addRow("Method", method_);
  root->addWidget(quantBox);

  calibration_ = new CalibrationGroup;
  root->addWidget(calibration_);
  connect(calibration_, &CalibrationGroup::changed, this, &SettingsPanel::onEdited);

  auto* execBox = new QGroupBox("Execution");
  auto* execForm = new QFormLayout(execBox);
  mode_ = new QComboBox;
  mode_->setObjectName("mode");
  mode_->addItem("streaming (low memory)", int(aq::Mode::Streaming));
  mode_->addItem("batch (all tensors in parallel)", int(aq::Mode::Batch));
  execForm->addRow("Mode", mode_);
  threads_ = new QSpinBox;
  threads_->setObjectName("threads");
  threads_->setRange(0, std::max(1, QThread::idealThreadCount()));
  threads_->setSpecialValueText(QString("all (%1)").arg(QThread::idealThreadCount()));
  execForm->addRow("Threads", threads_);
  root->addWidget(execBox);

  auto* outBox = new QGroupBox("Output");
  auto* outLayout = new QVBoxLayout(outBox);
  writeOutput_ = new QCheckBox("Write the quantized file");
  outLayout->addWidget(writeOutput_);
  auto* outRow = new QHBoxLayout;
  output_ = new QLineEdit;
  output_->setObjectName("output");
  output_->setPlaceholderText("output .safetensors or .h5");
  browse_ = new QToolButton;
  browse_->setText("…");
  browse_->setToolTip("Choose the output file");
  outRow->addWidget(output_, 1);
  outRow->addWidget(browse_);
  outLayout->addLayout(outRow);
  root->addWidget(outBox);
  root->addStretch();

  for (QComboBox* c : {bits_, group_, method_, mode_})
    connect(c, &QComboBox::currentIndexChanged, this, &SettingsPanel::onEdited);
  for (QSpinBox* s : {customGroup_, threads_})
    connect(s, &QSpinBox::valueChanged, this, &SettingsPanel::onEdited);
  connect(symmetric_, &QRadioButton::toggled, this, &SettingsPanel::onEdited);
  connect(writeOutput_, &QCheckBox::toggled, this, &SettingsPanel::onEdited);
  connect(output_, &QLineEdit::textEdited, this, [this] {
    autoOutput_ = false;
    onEdited();
  });
  connect(browse_, &QToolButton::clicked, this, &SettingsPanel::browseOutput);
}

RunSettings SettingsPanel::settings() const {
  RunSettings s;
  s.bits = bits_->currentData().toInt();
  const int g = group_->currentData().toInt();
  s.group_size = g == kCustomGroup ? customGroup_->value() : g;
  s.symmetric = symmetric_->isChecked();
  s.method = aq::Method(method_->currentData().toInt());
  s.mode = aq::Mode(mode_->currentData().toInt());
  s.threads = threads_->value();
  s.write_output = writeOutput_->isChecked();
  s.output = output_->text().trimmed();
  s.calibration = calibration_->value();
  return s;
}

void SettingsPanel::setSettings(const RunSettings& s) {
  updating_ = true;
  bits_->setCurrentIndex(std::max(0, bits_->findData(s.bits)));
  const int gi = group_->findData(s.group_size);
  if (gi >= 0) {
    group_->setCurrentIndex(gi);
  } else {
    group_->setCurrentIndex(group_->findData(kCustomGroup));
    customGroup_->setValue(s.group_size);
  }
  (s.symmetric ? symmetric_ : asymmetric_)->setChecked(true);
  method_->setCurrentIndex(std::max(0, method_->findData(int(s.method))));
  mode_->setCurrentIndex(std::max(0, mode_->findData(int(s.mode))));
  threads_->setValue(s.threads);
  writeOutput_->setChecked(s.write_output);
  output_->setText(s.output);
  calibration_->setValue(s.calibration);
  updating_ = false;
  onEdited();
}

void SettingsPanel::applyPreset(Preset p) { setSettings(aqui::applyPreset(p, settings())); }

void SettingsPanel::setModelPath(const QString& modelPath) {
  if (modelPath != modelPath_) autoOutput_ = true;
  modelPath_ = modelPath;
  refreshOutputSuggestion();
  onEdited();
}

void SettingsPanel::setRunning(bool running) {
  for (QWidget* w : findChildren<QGroupBox*>()) w->setEnabled(!running);
}

void SettingsPanel::onEdited() {
  if (updating_) return;
  customGroup_->setVisible(group_->currentData().toInt() == kCustomGroup);
  output_->setEnabled(writeOutput_->isChecked());
  browse_->setEnabled(writeOutput_->isChecked());
  refreshOutputSuggestion();
  refreshPresetState();
  emit changed(settings());
}

void SettingsPanel::refreshOutputSuggestion() {
  if (!autoOutput_ || modelPath_.isEmpty()) return;
  // model.safetensors -> model-int4.safetensors, next to the model (a folder: inside its parent).
  const QFileInfo in(modelPath_);
  QString stem = in.isDir() ? in.fileName() : in.completeBaseName();
  if (stem.endsWith(".safetensors.index")) stem.chop(int(QString(".safetensors.index").size()));
  const QString name = QString("%1-int%2.safetensors").arg(stem).arg(bits_->currentData().toInt());
  const QString path = in.absoluteDir().filePath(name);
  if (output_->text() != path) output_->setText(path);
}

void SettingsPanel::refreshPresetState() {
  const auto match = matchingPreset(settings());
  QStringList lines;
  for (const auto& p : presets()) {
    presetButtons_->button(int(p.id))->setChecked(match && *match == p.id);
    const QString line = QString("<b>%1</b>: %2").arg(p.name, presetSummary(p.id));
    // Rich text cannot follow the palette by itself, so the colour is looked up now (and again
    // when the theme changes, see changeEvent).
    const bool active = match && *match == p.id;
    lines << (active ? QString("<span style='color:%1'>▶ %2</span>")
                           .arg(palette().color(QPalette::Highlight).name(), line)
                     : line);
  }
  if (!match) lines.prepend("<i>Custom settings</i>");
  presetInfo_->setText(lines.join("<br>"));
}

void SettingsPanel::changeEvent(QEvent* e) {
  QWidget::changeEvent(e);
  if (e->type() == QEvent::PaletteChange && presetInfo_) refreshPresetState();
}

void SettingsPanel::browseOutput() {
  const QString path =
      QFileDialog::getSaveFileName(this, "Output file", output_->text(),
                                   QString("Quantized model (%1)").arg(QString::fromStdString(aq::output_name_patterns())));
  if (path.isEmpty()) return;
  autoOutput_ = false;
  output_->setText(path);
  onEdited();
}

}  // namespace aqui
