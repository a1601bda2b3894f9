#include "ui/charts/live_charts_panel.h"

#include <QFontMetrics>
#include <QLabel>
#include <QResizeEvent>
#include <QSplitter>
#include <QStringList>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/charts/accuracy_chart.h"
#include "ui/charts/bucket_heat_map.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/pareto_chart.h"
#include "ui/charts/speed_chart.h"
#include "ui/util/format.h"

namespace aqui {

namespace {
// Each chart needs this much width to stay legible side by side; below it, a calibrated or
// budgeted run shows the accuracy chart and its own charts (what the run is about) and folds
// memory and speed away until the panel is wide enough again.
constexpr int kMinWidthOfFour = 220;
}  // namespace

LiveChartsPanel::LiveChartsPanel(QWidget* parent)
    : QWidget(parent),
      memory_(new MemoryChart),
      accuracy_(new AccuracyChart),
      speed_(new SpeedChart),
      heatMap_(new BucketHeatMap),
      pareto_(new ParetoChart) {
  splitter_ = new QSplitter(Qt::Horizontal);
  splitter_->setObjectName("liveChartsSplitter");
  splitter_->addWidget(memory_);
  splitter_->addWidget(accuracy_);
  splitter_->addWidget(speed_);
  splitter_->addWidget(heatMap_);  // after the first three, so a layout saved before it existed still applies
  splitter_->addWidget(pareto_);   // likewise
  splitter_->setChildrenCollapsible(false);
  heatMap_->hide();
  pareto_->hide();
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
  if (!pareto_->isEmpty()) c.push_back(pareto_);
  return c;
}

void LiveChartsPanel::startRun(const QString& runLabel, const QString& calibrationFile) {
  label_ = runLabel;
  calibration_ = calibrationFile;
  memory_->clear();
  accuracy_->clear();
  speed_->clear();
  heatMap_->clear();
  pareto_->clear();
  const auto it = bucketEdges_.find(calibrationFile);
  heatMap_->setBucketEdges(it == bucketEdges_.end() ? std::vector<int64_t>{} : it->second);
  arrange();
}

void LiveChartsPanel::clear() {
  label_.clear();
  startRun({}, {});
}

void LiveChartsPanel::apply(const EventBatch& b) {
  if (b.plan && b.plan->budget) showBudget(*b.plan->budget);  // known as soon as the job has planned
  if (!b.memory.empty()) memory_->addSamples(b.memory);
  if (!b.tensors.empty()) {
    accuracy_->addResults(label_, b.tensors);
    speed_->addResults(b.tensors);
    heatMap_->addResults(b.tensors);
  }
  if (b.progress) speed_->addProgress(*b.progress);
  if (!b.tensors.empty() || b.progress) arrange();  // the charts shown, and the note under them
}

std::vector<std::unique_ptr<QtChartPanel::AxisDeferral>> LiveChartsPanel::deferAxes() const {
  std::vector<std::unique_ptr<QtChartPanel::AxisDeferral>> deferred;
  for (QtChartPanel* c : std::initializer_list<QtChartPanel*>{memory_, accuracy_, speed_, pareto_})
    deferred.push_back(std::make_unique<QtChartPanel::AxisDeferral>(*c));
  return deferred;
}

void LiveChartsPanel::showRun(const QString& runLabel, const aq::JobResult& r) {
  const auto deferred = deferAxes();
  startRun(runLabel, qstr(r.config.calibration.file.string()));
  memory_->addSamples(r.memory);
  accuracy_->addResults(runLabel, r.tensors);
  speed_->addResults(r.tensors);
  heatMap_->addResults(r.tensors);
  if (r.budget) showBudget(*r.budget);
  arrange();
}

void LiveChartsPanel::showBudget(const aq::BudgetSummary& budget) {
  // The main window themes the charts that have data; this one may have had none until now.
  pareto_->setDarkTheme(memory_->darkTheme());
  pareto_->setBudget(budget);
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
  const bool pareto = !pareto_->isEmpty();
  const int shown = 3 + heat + pareto;
  const bool compact = shown > 3 && width() < shown * kMinWidthOfFour;
  QStringList notes, tips;
  if (compact) {
    notes << "Memory and speed charts are folded away at this width: widen the window to see them.";
    tips << QString("%1 charts need about %2 pixels side by side.").arg(shown).arg(shown * kMinWidthOfFour);
  } else {
    // The chart's own title says it too, but a narrow chart drops that part of its title.
    if (speed_->shownView() != speed_->view()) {
      notes << "Speed is drawn per layer: the run was too short to plot over time.";
      tips << "A line over time needs two or more updates while the run goes on; a run shorter than\n"
              "about a quarter of a second gets one, at its end.";
    }
    if (!heat) {
      notes << (calibration_.isEmpty() ? "Timestep heat map: needs a calibration file (Settings ▸ Calibration)."
                                       : "Timestep heat map: waiting for the first calibrated layer…");
      tips << "With a calibration file, a run measures each layer's output error per timestep\n"
              "bucket, drawn here as a heat map beside the other charts.";
    }
  }
  // As many notes as the line holds, the first one elided if need be; all of them in the tooltip.
  const QFontMetrics fm(note_->font());
  const int room = std::max(40, width() - 12);
  QString line;
  for (const QString& n : notes) {
    const QString longer = line.isEmpty() ? n : line + "   ·   " + n;
    if (!line.isEmpty() && fm.horizontalAdvance(longer) > room) break;
    line = longer;
  }
  note_->setText(fm.elidedText(line, Qt::ElideRight, room));
  note_->setToolTip((notes + QStringList{}).join("\n") + (tips.isEmpty() ? "" : "\n\n" + tips.join("\n\n")));
  note_->setVisible(!notes.isEmpty());
  if (heatMap_->isHidden() != heat && pareto_->isHidden() != pareto && memory_->isHidden() == compact)
    return;  // already arranged
  heatMap_->setVisible(heat);
  pareto_->setVisible(pareto);
  memory_->setVisible(!compact);
  speed_->setVisible(!compact);
  // Equal shares for whatever is shown (hidden charts' entries are ignored).
  const int n = compact ? shown - 2 : shown;
  const int w = std::max(1, splitter_->width() / n);
  splitter_->setSizes({compact ? 0 : w, w, compact ? 0 : w, heat ? w : 0, pareto ? w : 0});
}

}  // namespace aqui
