#include "ui/model/quantized_model_bar.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <map>

#include "io/logical_model.h"
#include "report/run_stats.h"
#include "ui/util/format.h"

namespace aqui {
namespace {

/// "q4_k ×24, q4_1 ×8, 30 kept": what the file stores.
QString storedTypes(const aq::LogicalModel& m) {
  std::map<std::string, int> counts;
  int kept = 0;
  for (const auto& t : m.tensors()) t.quantized ? ++counts[t.scheme.describe()] : ++kept;
  QStringList parts;
  for (const auto& [name, n] : counts) parts << QString("%1 ×%2").arg(qstr(name)).arg(n);
  parts << QString("%1 kept").arg(kept);
  return parts.join(", ");
}

}  // namespace

QuantizedModelBar::QuantizedModelBar(QWidget* parent)
    : QFrame(parent), comparer_(new OriginalComparer(this)) {
  setObjectName("quantizedModelBar");
  setFrameShape(QFrame::StyledPanel);
  text_ = new QLabel;
  text_->setWordWrap(true);
  text_->setTextFormat(Qt::RichText);
  status_ = new QLabel;
  status_->setObjectName("compareStatus");
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  compare_ = new QPushButton("Compare with original…");
  compare_->setObjectName("compareWithOriginal");
  compare_->setToolTip("Choose the model this file was made from; every tensor is dequantized and "
                       "measured against it (cosine, SQNR, relative error), as `arrowquant-cli compare` does");
  auto* row = new QHBoxLayout;
  row->addWidget(text_, 1);
  row->addWidget(compare_);
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(8, 6, 8, 6);
  l->addLayout(row);
  l->addWidget(status_);
  hide();

  connect(compare_, &QPushButton::clicked, this, &QuantizedModelBar::askOriginal);
  connect(comparer_, &OriginalComparer::finished, this, [this](std::shared_ptr<const OriginalComparison> r) {
    last_ = r;
    compare_->setEnabled(true);
    aq::JobResult asRun;  // the run statistics the comparison view uses, on the measured tensors
    asRun.tensors = r->results;
    for (const auto& t : r->results)
      if (t.quantized()) asRun.quantized_error_sums.merge(t.error_sums);
    const aq::RunStats s = aq::run_stats(asRun);
    status_->setText(QString("Compared with %1: %2 tensors measured, mean SQNR %3, worst %4 (%5), "
                             "whole-model rel. error %6")
                         .arg(QFileInfo(r->original).fileName())
                         .arg(s.quantized_layers)
                         .arg(formatDb(s.mean_sqnr_db), formatDb(s.worst_sqnr_db), qstr(s.worst_sqnr_layer),
                              formatPercent(s.overall.rel_fro_error)));
    emit compared(QFileInfo(r->quantized).fileName(), r);
  });
  connect(comparer_, &OriginalComparer::failed, this, [this](const QString& msg) {
    compare_->setEnabled(true);
    status_->setText("<span style='color:#d93f3f'>Comparison failed: " + msg.toHtmlEscaped() + "</span>");
    emit compareFailed(msg);
  });
}

void QuantizedModelBar::showModel(const QString& path, std::shared_ptr<const aq::LogicalModel> model) {
  path_ = path;
  model_ = std::move(model);
  last_.reset();
  const QString kind = model_->source().format() == "gguf" ? "GGUF" : "ArrowQuant packed";
  // One short line (the window may be small); the reasoning is in the tooltip.
  text_->setText(QString("<b>Read-only: quantized %1 file</b> — %2. Quantize is off.")
                     .arg(kind, storedTypes(*model_)));
  text_->setToolTip(QString("%1 is quantized already: quantizing it again would only lose more. Compare it "
                            "with the model it was made from to see what quantizing cost, per tensor.")
                        .arg(QFileInfo(path).fileName()));
  status_->setText("Not compared yet.");
  compare_->setEnabled(true);
  show();
}

void QuantizedModelBar::clearModel() {
  path_.clear();
  model_.reset();
  last_.reset();
  hide();
}

void QuantizedModelBar::askOriginal() {
  if (!model_) return;
  const QString guess = guessOriginal(path_);
  const QString start = guess.isEmpty() ? QFileInfo(path_).absolutePath() : guess;
  const QString original = QFileDialog::getOpenFileName(
      this, "Original model of " + QFileInfo(path_).fileName(), start,
      "Models (*.safetensors *.json *.h5 *.hdf5 *.gguf);;All files (*)");
  if (!original.isEmpty()) compareWith(original);
}

bool QuantizedModelBar::compareWith(const QString& original) {
  if (!model_ || !comparer_->start(original, path_, model_)) return false;
  compare_->setEnabled(false);
  status_->setText("Comparing with " + QFileInfo(original).fileName() + " …");
  return true;
}

QString QuantizedModelBar::statusText() const { return status_->text(); }

}  // namespace aqui
