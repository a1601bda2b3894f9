#include "ui/charts/speed_chart.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <limits>

#include "ui/charts/series_palette.h"
#include "ui/util/format.h"

namespace aqui {

SpeedChart::SpeedChart(QWidget* parent) : QtChartPanel("speed", "Speed (input MB/s)", parent) {
  viewBox_ = new QComboBox;
  viewBox_->setObjectName("speedView");
  viewBox_->addItem("over time", int(SpeedView::OverTime));
  viewBox_->addItem("per layer", int(SpeedView::PerLayer));
  controls()->insertWidget(0, viewBox_);
  connect(viewBox_, &QComboBox::currentIndexChanged, this,
          [this] { setView(SpeedView(viewBox_->currentData().toInt())); });

  now_ = new QLineSeries;
  now_->setName("current");
  average_ = new QLineSeries;
  average_->setName("average");  // since the start (the tooltip says so)
  layers_ = new QLineSeries;
  layers_->setName("per tensor");
  layers_->setPointsVisible(true);
  x_ = new QValueAxis;
  y_ = new QValueAxis;
  y_->setTitleText("MB/s");
  chart()->addAxis(x_, Qt::AlignBottom);
  chart()->addAxis(y_, Qt::AlignLeft);
  manageAxis(x_, true);
  manageAxis(y_, true);
  for (QLineSeries* s : {now_, average_})
    connect(s, &QLineSeries::hovered, this, [this, s](const QPointF& p, bool on) {
      if (on) showTip(QString("%1<br>t = %2 s: <b>%3 MB/s</b>").arg(s == average_ ? QString("average since start") : s->name()).arg(p.x(), 0, 'f', 2).arg(p.y(), 0, 'f', 1));
      else hideTip();
    });
  connect(layers_, &QLineSeries::hovered, this, [this](const QPointF& p, bool on) {
    if (!on || layerNames_.empty()) return hideTip();
    const auto pts = layers_->points();
    qsizetype best = 0;
    for (qsizetype i = 1; i < pts.size(); ++i)
      if (std::abs(pts[i].x() - p.x()) < std::abs(pts[best].x() - p.x())) best = i;
    showTip(QString("<b>%1</b><br>%2 MB/s").arg(layerNames_[std::size_t(best)].toHtmlEscaped()).arg(pts[best].y(), 0, 'f', 1));
  });
  setView(SpeedView::OverTime);
  clear();
}

void SpeedChart::setView(SpeedView v) {
  view_ = v;
  if (viewBox_->currentData().toInt() != int(v)) viewBox_->setCurrentIndex(viewBox_->findData(int(v)));
  showSeries(v);
  refreshView();
  resetZoom();
}

void SpeedChart::showSeries(SpeedView v) {
  shown_ = v;
  for (QLineSeries* s : {now_, average_, layers_})
    if (chart()->series().contains(s)) chart()->removeSeries(s);
  if (v == SpeedView::OverTime) {
    attach(now_, x_, y_);
    attach(average_, x_, y_);
    setAxisTitle(x_, "time (s)", "time (s)");
  } else {
    attach(layers_, x_, y_);
    setAxisTitle(x_, "tensor # (model order)", "tensor #");
  }
  setAxisKind(x_, true, v == SpeedView::PerLayer);
  restyle();
  hookLegend();
}

void SpeedChart::refreshView() {
  // A run shorter than two progress updates has no line over time: the per-layer speeds say
  // more than an empty chart.
  const bool tooShort = average_->count() < 2 && layers_->count() > 0;
  const SpeedView want = view_ == SpeedView::OverTime && tooShort ? SpeedView::PerLayer : view_;
  if (want != shown_) {
    showSeries(want);
    resetZoom();
  } else {
    dataChanged();
  }
  setChartTitle(want != view_ ? "Speed per layer (input MB/s) — run too short to plot over time"
                              : "Speed (input MB/s)");
}

void SpeedChart::clear() {
  now_->clear();
  average_->clear();
  layers_->clear();
  layerNames_.clear();
  lastT_ = -1;
  lastBytes_ = 0;
  if (shown_ != view_) showSeries(view_);
  setChartTitle("Speed (input MB/s)");
  setAxisRange(x_, 0, 1);
  setAxisRange(y_, 0, 100);
}

int SpeedChart::pointCount() const { return int(now_->count() + average_->count() + layers_->count()); }

void SpeedChart::addProgress(const aq::Progress& p) {
  if (p.elapsed_s <= 0) return;
  average_->append(p.elapsed_s, p.mb_per_s);
  if (lastT_ >= 0 && p.elapsed_s - lastT_ > 1e-3 && p.bytes_done >= lastBytes_)
    now_->append(p.elapsed_s, double(p.bytes_done - lastBytes_) / 1e6 / (p.elapsed_s - lastT_));
  lastT_ = p.elapsed_s;
  lastBytes_ = p.bytes_done;
  if (view_ == SpeedView::OverTime) refreshView();
}

void SpeedChart::addResults(const std::vector<aq::TensorResult>& results) {
  // Kept tensors are plain copies: their "speed" would dwarf the real work, so they are left out.
  bool added = false;
  auto pts = layers_->points();
  for (const auto& t : results) {
    if (!t.quantized() || t.seconds <= 0) continue;
    const QPointF pt(double(t.index), t.mb_per_s);
    auto pos = std::lower_bound(pts.begin(), pts.end(), pt.x(), [](const QPointF& a, double x) { return a.x() < x; });
    const auto at = pos - pts.begin();
    pts.insert(at, pt);
    layerNames_.insert(layerNames_.begin() + at, qstr(t.name));
    added = true;
  }
  if (!added) return;
  layers_->replace(pts);
  refreshView();
}

void SpeedChart::rescale() {
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y1 = 0;
  const auto scan = [&](const QLineSeries* s) {
    for (const QPointF& p : s->points()) {
      x0 = std::min(x0, p.x());
      x1 = std::max(x1, p.x());
      y1 = std::max(y1, p.y());
    }
  };
  if (shown_ == SpeedView::OverTime) {
    scan(now_);
    scan(average_);
  } else {
    scan(layers_);
  }
  if (x0 > x1) return;
  fitAxis(x_, shown_ == SpeedView::OverTime ? 0 : x0, x1, shown_ == SpeedView::OverTime, true);
  fitAxis(y_, 0, std::max(y1, 1.0), true, true);
}

void SpeedChart::restyle() {
  now_->setPen(QPen(seriesColor(5), 1.2));
  average_->setPen(QPen(seriesColor(0), 2.4));
  layers_->setPen(QPen(seriesColor(1), 1.4));
  layers_->setMarkerSize(5);
}

}  // namespace aqui
