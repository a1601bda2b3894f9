#include "ui/charts/live_charts_panel.h"

#include <QSplitter>
#include <QVBoxLayout>

#include "ui/charts/accuracy_chart.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/speed_chart.h"

namespace aqui {

LiveChartsPanel::LiveChartsPanel(QWidget* parent)
    : QWidget(parent), memory_(new MemoryChart), accuracy_(new AccuracyChart), speed_(new SpeedChart) {
  splitter_ = new QSplitter(Qt::Horizontal);
  splitter_->setObjectName("liveChartsSplitter");
  splitter_->addWidget(memory_);
  splitter_->addWidget(accuracy_);
  splitter_->addWidget(speed_);
  splitter_->setChildrenCollapsible(false);
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  l->addWidget(splitter_);
}

std::vector<ChartPanel*> LiveChartsPanel::charts() const { return {memory_, accuracy_, speed_}; }

void LiveChartsPanel::startRun(const QString& runLabel) {
  label_ = runLabel;
  memory_->clear();
  accuracy_->clear();
  speed_->clear();
}

void LiveChartsPanel::apply(const EventBatch& b) {
  if (!b.memory.empty()) memory_->addSamples(b.memory);
  if (!b.tensors.empty()) {
    accuracy_->addResults(label_, b.tensors);
    speed_->addResults(b.tensors);
  }
  if (b.progress) speed_->addProgress(*b.progress);
}

void LiveChartsPanel::showRun(const QString& runLabel, const aq::JobResult& r) {
  startRun(runLabel);
  memory_->addSamples(r.memory);
  accuracy_->addResults(runLabel, r.tensors);
  speed_->addResults(r.tensors);
}

}  // namespace aqui
