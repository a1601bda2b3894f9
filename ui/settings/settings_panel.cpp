#include "ui/settings/settings_panel.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QDir>
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
#include <algorithm>

#include "io/output_formats.h"
#include "quant/scheme_traits.h"
#include "ui/settings/budget_group.h"
#include "ui/settings/calibration_group.h"
#include "ui/rules/rule_editor.h"
#include "ui/settings/output_format_group.h"

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
  presetButtons_ = new QButtonGroup(this);
  presetButtons_->setExclusive(false);  // "no preset" is a valid state once edited by hand
  for (const auto* list : {&presets(), &ggufPresets()}) {
    auto* buttons = new QHBoxLayout;
    for (const auto& p : *list) {
      // "GGUF Q4_K" would crowd the row; the row's own label says GGUF.
      auto* b = new QPushButton(list == &presets() ? p.name : QString(p.name).remove("GGUF "));
      b->setCheckable(true);
      // Fusion makes a push button at least 80 px wide; the preset rows must fit a narrow dock.
      b->setMinimumWidth(b->fontMetrics().horizontalAdvance(b->text()) + 24);
      b->setObjectName("preset" + QString(p.name).remove(' '));
      b->setToolTip(QString("<b>%1</b>: %2<br>Sets %3<br>CLI: <code>%4</code>")
                        .arg(p.name, p.purpose, presetSummary(p.id), presetCliArguments(p.id)));
      presetButtons_->addButton(b, int(p.id));
      buttons->addWidget(b);
    }
    if (list == &ggufPresets()) {
      auto* label = new QLabel("GGUF:");
      label->setToolTip("GGUF presets: a .gguf output with this ggml type, for ggml runtimes");
      buttons->insertWidget(0, label);
    }
    presetLayout->addLayout(buttons);
  }
  presetInfo_ = new QLabel;
  presetInfo_->setWordWrap(true);
  presetInfo_->setTextFormat(Qt::RichText);
  presetLayout->addWidget(presetInfo_);
  root->addWidget(presetBox);
  connect(presetButtons_, &QButtonGroup::idClicked, this, [this](int id) { applyPreset(Preset(id)); });

  format_ = new OutputFormatGroup;
  root->addWidget(format_);
  connect(format_, &OutputFormatGroup::changed, this, &SettingsPanel::onEdited);

  auto* quantBox = new QGroupBox("Quantization");
  auto* form = new QFormLayout(quantBox);
  bits_ = new QComboBox;
  bits_->setObjectName("bits");
  for (const auto& scheme : aq::scheme_table()) bits_->addItem(QString("INT%1").arg(scheme.bits), scheme.bits);
  bits_->setToolTip("Bits per stored integer code: fewer bits, a smaller file and more error\n"
                    "(ArrowQuant packed and HDF5 outputs; --bits 2|3|4|8)");
  form->addRow("Bit width", bits_);

  group_ = new QComboBox;
  group_->setObjectName("groupSize");
  for (int g : kGroupSizes) group_->addItem(QString::number(g), g);
  group_->addItem("per-channel", 0);
  group_->addItem("custom…", kCustomGroup);
  group_->setToolTip("Consecutive weights of a row that share one scale (and zero point): smaller groups\n"
                     "are more accurate and store more scales (--group-size N, or 'channel' for one per row)");
  customGroup_ = new QSpinBox;
  customGroup_->setRange(8, 1 << 16);
  customGroup_->setSingleStep(8);
  customGroup_->setValue(96);
  customGroup_->setToolTip("Custom group size, at least 8 elements (--group-size N)");
  auto* groupRow = new QHBoxLayout;
  groupRow->addWidget(group_, 1);
  groupRow->addWidget(customGroup_);
  form->addRow("Group size", groupRow);

  symmetric_ = new QRadioButton("symmetric");
  asymmetric_ = new QRadioButton("asymmetric");
  symmetric_->setToolTip("No zero point stored: smaller, slightly less accurate on skewed groups (--symmetric)");
  asymmetric_->setToolTip("A zero point per group: uses every level on skewed ranges (the CLI's default)");
  auto* symRow = new QHBoxLayout;
  symRow->addWidget(symmetric_);
  symRow->addWidget(asymmetric_);
  symRow->addStretch();
  form->addRow("Range", symRow);

  method_ = new QComboBox;
  method_->setObjectName("method");
  method_->addItem("range search", int(aq::Method::Search));
  method_->addItem("min-max", int(aq::Method::MinMax));
  method_->setToolTip("Range search tries shrunken ranges per group and keeps the least error; min-max\n"
                      "covers each group's whole range (--method search|minmax)");
  form->addRow("Method", method_);
  root->addWidget(quantBox);

  rules_ = new RuleEditor;
  root->addWidget(rules_);
  connect(rules_, &RuleEditor::changed, this, &SettingsPanel::onEdited);

  calibration_ = new CalibrationGroup;
  root->addWidget(calibration_);
  connect(calibration_, &CalibrationGroup::changed, this, &SettingsPanel::onEdited);

  budget_ = new BudgetGroup;
  root->addWidget(budget_);
  connect(budget_, &BudgetGroup::changed, this, &SettingsPanel::onEdited);

  auto* execBox = new QGroupBox("Execution");
  auto* execForm = new QFormLayout(execBox);
  mode_ = new QComboBox;
  mode_->setObjectName("mode");
  mode_->addItem("streaming (low memory)", int(aq::Mode::Streaming));
  mode_->addItem("batch (all tensors in parallel)", int(aq::Mode::Batch));
  mode_->setToolTip("Streaming: one tensor at a time in blocks of rows, little memory whatever the model's size.\n"
                    "Batch: all tensors in parallel, faster on many small tensors, memory grows with the model.\n"
                    "Both write the same bytes (--mode streaming|batch)");
  execForm->addRow("Mode", mode_);
  threads_ = new QSpinBox;
  threads_->setObjectName("threads");
  threads_->setRange(0, std::max(1, QThread::idealThreadCount()));
  threads_->setSpecialValueText(QString("all (%1)").arg(QThread::idealThreadCount()));
  threads_->setToolTip("Worker threads for quantizing; all uses every core (--threads N, 0 = all)");
  execForm->addRow("Threads", threads_);
  root->addWidget(execBox);

  auto* outBox = new QGroupBox("Output");
  auto* outLayout = new QVBoxLayout(outBox);
  writeOutput_ = new QCheckBox("Write the quantized file");
  writeOutput_->setToolTip("Untick to quantize and measure without writing a file (--dry-run)");
  outLayout->addWidget(writeOutput_);
  auto* outRow = new QHBoxLayout;
  output_ = new QLineEdit;
  output_->setObjectName("output");
  output_->setPlaceholderText("output .safetensors, .gguf or .h5");
  output_->setToolTip("The file written; its name follows the model and the settings until you edit it.\n"
                      "The extension picks the format: .safetensors, .gguf or .h5 (-o FILE)");
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
  connect(output_, &QLineEdit::textEdited, this, [this](const QString& text) {
    outputChosen(text);
    // No suggestion while typing: the text stays as typed.
    refreshPresetState();
    emit changed(settings());
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
  s.output_named_for = namedFor_;
  s.output_dir = outputDir_;
  s.calibration = calibration_->value();
  s.budget = budget_->value();
  s.format = format_->format();
  s.ggml_type = format_->ggmlType();
  s.gguf_arch = format_->architecture();
  s.rules = rules_->specs();
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
  namedFor_ = s.output_named_for;
  outputDir_ = s.output_dir;
  calibration_->setValue(s.calibration);
  budget_->setValue(s.budget);
  format_->setValues(s.format, s.ggml_type, s.gguf_arch);
  rules_->setSpecs(s.rules);
  updating_ = false;
  onEdited();
}

void SettingsPanel::applyPreset(Preset p) { setSettings(aqui::applyPreset(p, settings())); }

void SettingsPanel::setModelPath(const QString& modelPath) {
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
  applyFormatToControls();
  refreshOutputSuggestion();
  refreshPresetState();
  emit changed(settings());
}

QString SettingsPanel::suggestedName() const {
  // model.safetensors -> model-int4.safetensors (a folder or an index: its name).
  const QFileInfo in(modelPath_);
  QString stem = in.isDir() ? in.fileName() : in.completeBaseName();
  if (stem.endsWith(".safetensors.index")) stem.chop(int(QString(".safetensors.index").size()));
  return outputFileName(stem, format_->format(), bits_->currentData().toInt(), format_->ggmlType());
}

void SettingsPanel::refreshOutputSuggestion() {
  if (modelPath_.isEmpty() || namedFor_ == modelPath_) return;  // no model, or a name of the user's
  const QDir dir = outputDir_.isEmpty() ? QFileInfo(modelPath_).absoluteDir() : QDir(outputDir_);
  const QString path = dir.filePath(suggestedName());
  if (output_->text() != path) output_->setText(path);
}

void SettingsPanel::outputChosen(const QString& text) {
  const QFileInfo chosen(text.trimmed());
  if (text.trimmed().isEmpty() || modelPath_.isEmpty()) return;
  // A folder other than the model's is remembered for every model.
  const QString dir = chosen.absolutePath();
  outputDir_ = dir == QFileInfo(modelPath_).absolutePath() ? QString() : dir;
  // A name in the suggestion's pattern (the model's stem and a scheme) keeps following the
  // settings; any other name is this model's own until another model is opened.
  const QString suggestedStem = stripSchemeSuffix(QFileInfo(suggestedName()).completeBaseName());
  const QString stem = chosen.completeBaseName(), bare = stripSchemeSuffix(stem);
  namedFor_ = bare != stem && bare == suggestedStem ? QString() : modelPath_;
}

void SettingsPanel::applyFormatToControls() {
  const bool gguf = format_->format() == OutputFormat::Gguf;
  rules_->setGgufOutput(gguf);
  static const QString kWhy = "Not used by a GGUF output: the ggml type fixes the bits, the block size and "
                              "the range (choose the type under Output format)";
  // The tooltips a control has for packed outputs, kept to restore them.
  for (QWidget* w : std::initializer_list<QWidget*>{bits_, group_, customGroup_, symmetric_, asymmetric_, method_}) {
    if (!w->property("packedTip").isValid()) w->setProperty("packedTip", w->toolTip());
    w->setEnabled(!gguf);
    w->setToolTip(gguf ? kWhy : w->property("packedTip").toString());
  }
  // A path chosen by hand keeps its name, but its extension follows the format.
  const QString path = output_->text().trimmed();
  const auto has = formatForPath(path);
  if (!path.isEmpty() && has && *has != format_->format()) {
    const int dot = int(path.lastIndexOf('.'));
    output_->setText(path.left(dot) + formatExtension(format_->format()));
  }
}

void SettingsPanel::refreshPresetState() {
  const auto match = matchingPreset(settings());
  QStringList lines;
  // The deployment presets are listed always, a GGUF preset only while it is the one in use
  // (the dock stays short; the buttons' tooltips say what each sets).
  for (const auto* list : {&presets(), &ggufPresets()})
    for (const auto& p : *list) {
      const bool active = match && *match == p.id;
      presetButtons_->button(int(p.id))->setChecked(active);
      if (list == &ggufPresets() && !active) continue;
      // A GGUF preset's name says GGUF already; its purpose says more than a repeat would.
      const QString line = list == &presets()
                               ? QString("<b>%1</b>: %2").arg(p.name, presetSummary(p.id))
                               : QString("<b>%1</b>: %2, %3").arg(p.name, QString(presetSummary(p.id)).remove("GGUF · "), p.purpose);
      // Rich text cannot follow the palette by itself, so the colour is looked up now (and again
      // when the theme changes, see changeEvent).
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
  output_->setText(path);
  outputChosen(path);
  onEdited();
}

}  // namespace aqui
