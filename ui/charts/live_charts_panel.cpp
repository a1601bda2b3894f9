#include "ui/charts/live_charts_panel.h"

#include <QLabel>
#include <QResizeEvent>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/charts/accuracy_chart.h"
#include "ui/charts/bucket_heat_map.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/speed_chart.h"
#include "ui/util/format.h"

namespace aqui {

namespace {
// Four charts need this much width each to stay legible side by side; below it, a calibrated
// run shows the two per-layer charts (what calibration is about) and folds memory and speed
// away until the panel is wide enough again.
constexpr int kMinWidthOfFour = 220;
}  // namespace

LiveChartsPanel::LiveChartsPanel(QWidget* parent)
    : QWidget(parent),
      memory_(new MemoryChart),
      accuracy_(new AccuracyChart),
      speed_(new SpeedChart),
      heatMap_(new BucketHeatMap) {
  splitter_ = new QSplitter(Qt::Horizontal);
  splitter_->setObjectName("liveChartsSplitter");
  splitter_->addWidget(memory_);
  splitter_->addWidget(accuracy_);
  splitter_->addWidget(speed_);
  splitter_->addWidget(heatMap_);  // last, so a layout saved before it existed still applies
  splitter_->setChildrenCollapsible(false);
  heatMap_->hide();
  note_ = new QLabel;
  note_->setObjectName("liveChartsNote");
  note_->setForegroundRole(QPalette::PlaceholderText);
  note_->setContentsMargins(6, 2, 6, 2);
  note_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);  // one line, never wider than the panel
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  l->setSpacing(0);
  l->addWidget(splitter_, 1);
  l->addWidget(note_);
  arrange();
}

std::vector<ChartPanel*> LiveChartsPanel::charts() const {
  std::vector<ChartPanel*> c = {memory_, accuracy_, speed_};
  if (!heatMap_->isEmpty()) c.push_back(heatMap_);
  return c;
}

void LiveChartsPanel::startRun(const QString& runLabel, const QString& calibrationFile) {
  label_ = runLabel;
  calibration_ = calibrationFile;
  memory_->clear();
  accuracy_->clear();
  speed_->clear();
  heatMap_->clear();
  const auto it = bucketEdges_.find(calibrationFile);
  heatMap_->setBucketEdges(it == bucketEdges_.end() ? std::vector<int64_t>{} : it->second);
  arrange();
}

void LiveChartsPanel::clear() {
  label_.clear();
  startRun({}, {});
}

void LiveChartsPanel::apply(const EventBatch& b) {
  if (!b.memory.empty()) memory_->addSamples(b.memory);
  if (!b.tensors.empty()) {
    accuracy_->addResults(label_, b.tensors);
    speed_->addResults(b.tensors);
    heatMap_->addResults(b.tensors);
    arrange();
  }
  if (b.progress) speed_->addProgress(*b.progress);
}

void LiveChartsPanel::showRun(const QString& runLabel, const aq::JobResult& r) {
  startRun(runLabel, qstr(r.config.calibration.file.string()));
  memory_->addSamples(r.memory);
  accuracy_->addResults(runLabel, r.tensors);
  speed_->addResults(r.tensors);
  heatMap_->addResults(r.tensors);
  arrange();
}

void LiveChartsPanel::setBucketEdges(const QString& calibrationFile, std::vector<int64_t> edges) {
  if (calibrationFile.isEmpty()) return;
  if (calibrationFile == calibration_) heatMap_->setBucketEdges(edges);
  bucketEdges_[calibrationFile] = std::move(edges);
}

void LiveChartsPanel::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  arrange();
}

void LiveChartsPanel::arrange() {
  const bool heat = !heatMap_->isEmpty();
  const bool compact = heat && width() < 4 * kMinWidthOfFour;
  if (!heat) {
    note_->setText(calibration_.isEmpty() ? "Timestep heat map: needs a calibration file (Settings ▸ Calibration)."
                                          : "Timestep heat map: waiting for the first calibrated layer…");
    note_->setToolTip("With a calibration file, a run measures each layer's output error per timestep\n"
                      "bucket, drawn here as a heat map beside the other charts.");
  } else if (compact) {
    note_->setText("Memory and speed charts are folded away at this width: widen the window to see them.");
    note_->setToolTip("Four charts need about " + QString::number(4 * kMinWidthOfFour) + " pixels side by side.");
  }
  note_->setVisible(!heat || compact);
  if (heatMap_->isHidden() != heat && memory_->isHidden() == compact) return;  // already arranged
  heatMap_->setVisible(heat);
  memory_->setVisible(!compact);
  speed_->setVisible(!compact);
  // Equal shares for whatever is shown (hidden charts' entries are ignored).
  const int n = compact ? 2 : heat ? 4 : 3;
  const int w = std::max(1, splitter_->width() / n);
  splitter_->setSizes({compact ? 0 : w, w, compact ? 0 : w, heat ? w : 0});
}

}  // namespace aqui
