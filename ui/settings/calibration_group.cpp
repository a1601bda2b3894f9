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
                    "of its inputs per timestep bucket. Record one with scripts/calibrate.py.");
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
}

CalibrationSettings CalibrationGroup::value() const {
  CalibrationSettings s;
  s.file = file_->text().trimmed();
  s.damping = damping_->value() / 100.0;
  s.act_order = actOrder_->isChecked();
  return s;
}

void CalibrationGroup::setValue(const CalibrationSettings& s) {
  updating_ = true;
  file_->setText(s.file);
  damping_->setValue(s.damping * 100.0);
  actOrder_->setChecked(s.act_order);
  committed_ = s.file;
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
  if (path.isEmpty() || !summary_ || summary_->path != path || reading()) return {};
  if (!summary_->current()) {  // changed since it was read: read it again, let the run decide
    inspectIfNeeded();
    showStatus();
    return {};
  }
  return summary_->error;
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
