#include "ui/settings/calibration_group.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

#include "ui/settings/theme.h"

namespace aqui {

CalibrationGroup::CalibrationGroup(QWidget* parent)
    : QGroupBox("Calibration", parent), inspector_(new CalibrationInspector(this)) {
  setObjectName("calibrationGroup");
  build();
  connect(inspector_, &CalibrationInspector::inspected, this, &CalibrationGroup::onInspected);
  setValue({});
}

void CalibrationGroup::build() {
  setToolTip("Calibrated quantization (GPTQ): each layer's rounding error is compensated using the\n"
             "activations recorded while the model denoised, and the output error is measured per\n"
             "timestep bucket. Without a file, quantization is data-free.");
  auto* form = new QFormLayout(this);

  file_ = new QLineEdit;
  file_->setObjectName("calibrationFile");
  file_->setPlaceholderText("none: data-free");
  file_->setToolTip("Calibration file (HDF5, docs/CALIBRATION.md): per weight tensor, the second moment\n"
                    "of its inputs per timestep bucket. Record one with scripts/calibrate.py (--calibration FILE).");
  browse_ = new QToolButton;
  browse_->setObjectName("calibrationBrowse");
  browse_->setText("…");
  browse_->setToolTip("Choose the calibration file");
  clear_ = new QToolButton;
  clear_->setObjectName("calibrationClear");
  clear_->setText("✕");
  clear_->setToolTip("No calibration: quantize data-free");
  auto* fileRow = new QHBoxLayout;
  fileRow->addWidget(file_, 1);
  fileRow->addWidget(browse_);
  fileRow->addWidget(clear_);
  form->addRow("File", fileRow);

  // The status line: what the file holds, or why it cannot be used. It never widens the dock:
  // long paths wrap at their slashes.
  status_ = new QLabel;
  status_->setObjectName("calibrationStatus");
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  status_->setToolTip("What the calibration file holds, once read; or why it cannot be used");
  form->addRow(status_);

  damping_ = new QDoubleSpinBox;
  damping_->setObjectName("damping");
  damping_->setDecimals(2);
  damping_->setRange(CalibrationSettings::kMinDamping * 100, CalibrationSettings::kMaxDamping * 100);
  damping_->setSingleStep(0.5);
  damping_->setSuffix(" %");
  damping_->setToolTip("Added to the diagonal of each layer's H, as a percentage of its mean, before it is\n"
                       "inverted (--damping; 1 % by default). More damping is more stable and compensates less.");
  form->addRow("Damping", damping_);

  actOrder_ = new QCheckBox("Act-order");
  actOrder_->setObjectName("actOrder");
  actOrder_->setToolTip("Quantize columns by decreasing activation energy (H's diagonal) rather than in\n"
                        "order (--act-order; integer schemes). Often more accurate at 2 and 3 bits.");
  form->addRow(actOrder_);

  weights_ = new QLineEdit;
  weights_->setObjectName("timestepWeights");
  weights_->setPlaceholderText("uniform");
  weights_->setToolTip("How much each timestep bucket counts when the buckets' H are combined, one\n"
                       "non-negative weight per bucket, e.g. 1,1,1,2,2 (--timestep-weights). Empty: uniform.");
  form->addRow("Timestep weights", weights_);
  weightsStatus_ = new QLabel;
  weightsStatus_->setObjectName("timestepWeightsStatus");
  weightsStatus_->setWordWrap(true);
  weightsStatus_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  weightsStatus_->setToolTip("Why the timestep weights cannot be used");
  weightsStatus_->hide();
  form->addRow(weightsStatus_);

  noCompensation_ = new QCheckBox("No compensation");
  noCompensation_->setObjectName("noCompensation");
  noCompensation_->setToolTip("Round data-free and only measure the output error under the calibration data\n"
                              "(--no-compensation): the output-error figures without GPTQ, for comparison.");
  form->addRow(noCompensation_);

  connect(browse_, &QToolButton::clicked, this, &CalibrationGroup::browse);
  connect(clear_, &QToolButton::clicked, this, [this] {
    file_->clear();
    commitFile();
  });
  connect(file_, &QLineEdit::editingFinished, this, &CalibrationGroup::commitFile);
  connect(damping_, &QDoubleSpinBox::valueChanged, this, [this] {
    if (!updating_) emit changed();
  });
  connect(actOrder_, &QCheckBox::toggled, this, [this] {
    if (!updating_) emit changed();
  });
  connect(noCompensation_, &QCheckBox::toggled, this, [this] {
    if (!updating_) emit changed();
  });
  connect(weights_, &QLineEdit::textEdited, this, &CalibrationGroup::showWeightsStatus);
  connect(weights_, &QLineEdit::editingFinished, this, [this] {
    showWeightsStatus();
    if (weights_->text().trimmed() == committedWeights_) return;
    committedWeights_ = weights_->text().trimmed();
    if (!updating_) emit changed();
  });
}

CalibrationSettings CalibrationGroup::value() const {
  CalibrationSettings s;
  s.file = file_->text().trimmed();
  s.damping = damping_->value() / 100.0;
  s.act_order = actOrder_->isChecked();
  s.timestep_weights = weights_->text().trimmed();
  s.compensate = !noCompensation_->isChecked();
  return s;
}

void CalibrationGroup::setValue(const CalibrationSettings& s) {
  updating_ = true;
  file_->setText(s.file);
  damping_->setValue(s.damping * 100.0);
  actOrder_->setChecked(s.act_order);
  weights_->setText(s.timestep_weights);
  noCompensation_->setChecked(!s.compensate);
  committed_ = s.file;
  committedWeights_ = s.timestep_weights.trimmed();
  updating_ = false;
  inspectIfNeeded();
  showStatus();
}

void CalibrationGroup::browse() {
  const QString start = file_->text().isEmpty() ? QString() : QFileInfo(file_->text()).absolutePath();
  const QString path = QFileDialog::getOpenFileName(this, "Calibration file", start,
                                                    "Calibration data (*.h5 *.hdf5);;All files (*)");
  if (path.isEmpty()) return;
  file_->setText(path);
  commitFile();
}

void CalibrationGroup::commitFile() {
  const QString path = file_->text().trimmed();
  const bool edited = path != committed_;
  committed_ = path;
  inspectIfNeeded();  // the same path too: the file may have been rewritten since it was read
  showStatus();
  if (edited && !updating_) emit changed();
}

void CalibrationGroup::inspectIfNeeded() {
  const QString path = file_->text().trimmed();
  if (path.isEmpty()) {
    inspector_->cancel();
    return;
  }
  if (summary_ && summary_->path == path && summary_->current()) return;
  if (reading() && inspecting_ == path) return;  // setSettings() again (a preset) while it is read
  inspecting_ = path;
  inspector_->inspect(path);
}

void CalibrationGroup::onInspected(const CalibrationSummary& s) {
  summary_ = s;
  showStatus();
  emit inspected(s);
}

QString CalibrationGroup::problem() {
  const QString path = file_->text().trimmed();
  if (path.isEmpty()) return {};
  const QString syntax = value().weightsProblem(0);  // known without the file
  if (!summary_ || summary_->path != path || reading()) return syntax;
  if (!summary_->current()) {  // changed since it was read: read it again, let the run decide
    inspectIfNeeded();
    showStatus();
    return syntax;
  }
  return summary_->ok() ? value().weightsProblem(summary_->buckets) : summary_->error;
}

QString CalibrationGroup::weightsText() const { return weightsStatus_->isHidden() ? QString() : weightsStatus_->text(); }

void CalibrationGroup::showWeightsStatus() {
  // Checked as it is typed: its syntax at once, its count once the file has been read.
  const auto s = summary();
  const QString why = file_->text().trimmed().isEmpty() ? QString() : value().weightsProblem(s && s->ok() ? s->buckets : 0);
  weightsStatus_->setText(why);
  weightsStatus_->setVisible(!why.isEmpty());
  const QString style = why.isEmpty() ? QString() : QString("color: %1;").arg(errorTextColor(palette()).name());
  if (weightsStatus_->styleSheet() != style) weightsStatus_->setStyleSheet(style);
  // The count the file wants, where the user types.
  weights_->setPlaceholderText(s && s->ok() && s->buckets > 1 ? QString("uniform (%1 weights)").arg(s->buckets) : QString("uniform"));
}

std::optional<CalibrationSummary> CalibrationGroup::summary() const {
  if (summary_ && summary_->path == file_->text().trimmed()) return summary_;
  return std::nullopt;
}

QString CalibrationGroup::statusText() const { return status_->text(); }

void CalibrationGroup::showStatus() {
  const QString path = file_->text().trimmed();
  damping_->setEnabled(!path.isEmpty());
  actOrder_->setEnabled(!path.isEmpty());
  weights_->setEnabled(!path.isEmpty());
  noCompensation_->setEnabled(!path.isEmpty());
  showWeightsStatus();
  // Roles rather than fixed colours, so the line greys with the form while a run locks it; only
  // the error has its own colour.
  QString text;
  QString style;
  QPalette::ColorRole role = QPalette::PlaceholderText;
  if (path.isEmpty()) {
    text = "No file: data-free quantization";
  } else if (reading() || !summary_ || summary_->path != path) {
    text = "Reading the file…";
  } else if (summary_->ok()) {
    text = summary_->text();
    role = QPalette::WindowText;
  } else {
    // The full message (with the full path) goes to the log and the banner when a run is
    // refused; here the file's name is enough, and a long path would only wrap badly.
    text = summary_->error;
    text.replace(path, QFileInfo(path).fileName());
    style = QString("color: %1;").arg(errorTextColor(palette()).name());
  }
  status_->setText(text);
  status_->setForegroundRole(role);
  if (status_->styleSheet() != style) status_->setStyleSheet(style);
}

void CalibrationGroup::changeEvent(QEvent* e) {
  QGroupBox::changeEvent(e);
  if (e->type() == QEvent::PaletteChange && status_) showStatus();  // the error colour follows the theme
}

}  // namespace aqui
