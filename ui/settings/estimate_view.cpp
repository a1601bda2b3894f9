#include "ui/settings/estimate_view.h"

#include <QFormLayout>
#include <QLabel>
#include <map>

#include "ui/util/format.h"

namespace aqui {

EstimateView::EstimateView(QWidget* parent) : QGroupBox("Estimate for these settings", parent) {
  auto* form = new QFormLayout(this);
  size_ = new QLabel;
  bits_ = new QLabel;
  time_ = new QLabel;
  tensors_ = new QLabel;
  types_ = new QLabel;
  quality_ = new QLabel;
  quality_->setObjectName("estimateQuality");
  quality_->setWordWrap(true);
  quality_->setToolTip("Predicted weight SQNR: the sampled rows' error with these settings (plain rounding; "
                       "with a calibration file the run compensates on top of it). The layer table's SQNR "
                       "column shows each tensor's, in italics, until the run replaces it.");
  types_->setObjectName("estimateTypes");
  types_->setWordWrap(true);
  types_->setToolTip("The type of the quantized tensors; a GGUF type falls back to the nearest one "
                     "that fits a tensor whose rows its blocks do not divide");
  size_->setObjectName("estimateSize");
  bits_->setObjectName("estimateBits");
  time_->setObjectName("estimateTime");
  for (QLabel* l : {size_, bits_, time_, quality_, tensors_, types_}) l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  time_->setWordWrap(true);
  form->addRow("Output size", size_);
  form->addRow("Bits / weight", bits_);
  form->addRow("Time", time_);
  form->addRow("Quality", quality_);
  form->addRow("Tensors", tensors_);
  form->addRow("Types", types_);
  // Said before the run, not after it: quantizing that would not make the model smaller.
  warning_ = new QLabel;
  warning_->setObjectName("estimateWarning");
  warning_->setWordWrap(true);
  warning_->setStyleSheet("color: #c0392b;");
  warning_->hide();
  form->addRow(warning_);
  clear();
}

void EstimateView::clear() {
  for (QLabel* l : {size_, bits_, time_, quality_, tensors_, types_}) l->setText("–");
  warning_->hide();
}

void EstimateView::showPlan(const aq::Plan& p) {
  const double ratio = p.output_bytes ? double(p.input_bytes) / double(p.output_bytes) : 0;
  size_->setText(QString("%1  (from %2, %3×)")
                     .arg(formatBytes(p.output_bytes), formatBytes(p.input_bytes))
                     .arg(ratio, 0, 'f', 2));
  const QString warning = p.shrinks() ? QString() : QString::fromStdString(p.size_warning());
  warning_->setText("⚠ " + warning.left(1).toUpper() + warning.mid(1) + ".");
  warning_->setVisible(!warning.isEmpty());
  bits_->setText(QString("%1 overall, %2 in quantized tensors")
                     .arg(p.bits_per_weight(), 0, 'f', 2)
                     .arg(p.quantized_bits_per_weight(), 0, 'f', 2));
  tensors_->setText(QString("%1 quantized, %2 kept in float")
                        .arg(p.quantized_count)
                        .arg(p.tensors.size() - p.quantized_count));
  std::map<std::string, int> types;
  for (const auto& t : p.tensors)
    if (t.quantized()) ++types[t.scheme.is_ggml() ? t.scheme.describe() : "INT" + std::to_string(t.scheme.bits)];
  QStringList parts;
  for (const auto& [name, n] : types) parts << QString("%1 ×%2").arg(QString::fromStdString(name)).arg(n);
  types_->setText(parts.isEmpty() ? QString("–") : parts.join(", "));
}

void EstimateView::showMeasuring() {
  time_->setText("measuring on a sample…");
  quality_->setText("measuring on a sample…");
}

void EstimateView::showEstimate(const aq::RunEstimate& e) {
  time_->setText(QString("≈ %1  (measured %2 at %3 MB/s)")
                     .arg(formatSeconds(e.seconds), formatBytes(e.sample_bytes))
                     .arg(e.sample_mb_per_s, 0, 'f', 0));
  const auto* worst = e.worst_quality();
  if (!worst) {
    quality_->setText("–");
    return;
  }
  quality_->setText(QString("≈ %1 SQNR, worst layer %2 (%3)")
                        .arg(formatDb(aq::metrics_from(e.quality_total).sqnr_db),
                             formatDb(aq::metrics_from(worst->sums).sqnr_db), QString::fromStdString(worst->name)));
}

QString EstimateView::sizeText() const { return size_->text(); }
QString EstimateView::warningText() const { return warning_->isVisibleTo(this) ? warning_->text() : QString(); }
QString EstimateView::bitsText() const { return bits_->text(); }
QString EstimateView::timeText() const { return time_->text(); }
QString EstimateView::typesText() const { return types_->text(); }
QString EstimateView::qualityText() const { return quality_->text(); }

}  // namespace aqui
