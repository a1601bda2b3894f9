#include "ui/charts/accuracy_chart.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

#include "ui/charts/series_palette.h"
#include "ui/util/format.h"

namespace aqui {

QString metricName(AccuracyMetric m) {
  switch (m) {
    case AccuracyMetric::Sqnr: return "SQNR (dB)";
    case AccuracyMetric::Cosine: return "cosine similarity";
    case AccuracyMetric::RelError: return "relative error (%)";
  }
  return {};
}

double metricValue(AccuracyMetric m, const aq::TensorMetrics& t) {
  double v = 0;
  switch (m) {
    case AccuracyMetric::Sqnr: v = t.sqnr_db; break;
    case AccuracyMetric::Cosine: v = t.cosine; break;
    case AccuracyMetric::RelError: v = 100.0 * t.rel_fro_error; break;
  }
  return std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN();
}

AccuracyChart::AccuracyChart(QWidget* parent, const QString& key, const QString& title)
    : QtChartPanel(key, title, parent) {
  metricBox_ = new QComboBox;
  metricBox_->setObjectName("metric");
  for (auto m : {AccuracyMetric::Sqnr, AccuracyMetric::Cosine, AccuracyMetric::RelError})
    metricBox_->addItem(metricName(m), int(m));
  controls()->insertWidget(0, metricBox_);
  connect(metricBox_, &QComboBox::currentIndexChanged, this,
          [this] { setMetric(AccuracyMetric(metricBox_->currentData().toInt())); });

  x_ = new QValueAxis;
  x_->setTitleText("tensor # (model order)");
  x_->setLabelFormat("%.0f");
  y_ = new QValueAxis;
  chart()->addAxis(x_, Qt::AlignBottom);
  chart()->addAxis(y_, Qt::AlignLeft);
  clear();
}

void AccuracyChart::clear() {
  for (auto& r : runs_) {
    chart()->removeSeries(r.series);
    delete r.series;
  }
  runs_.clear();
  x_->setRange(0, 10);
  y_->setTitleText(metricName(metric_));
  y_->setRange(0, metric_ == AccuracyMetric::Cosine ? 1 : 40);
}

int AccuracyChart::pointCount() const {
  int n = 0;
  for (const auto& r : runs_) n += int(r.series->count());
  return n;
}

AccuracyChart::Run& AccuracyChart::runFor(const QString& label) {
  for (auto& r : runs_)
    if (r.label == label) return r;
  auto* s = new QLineSeries;
  s->setName(label);
  s->setPointsVisible(true);
  attach(s, x_, y_);
  runs_.push_back({label, {}, s});
  const std::size_t i = runs_.size() - 1;
  connect(s, &QLineSeries::hovered, this, [this, i](const QPointF& p, bool on) {
    if (i < runs_.size()) hovered(runs_[i], p, on);
  });
  restyle();
  hookLegend();
  return runs_.back();
}

void AccuracyChart::addResults(const QString& run, const std::vector<aq::TensorResult>& results) {
  Run& r = runFor(run);
  bool added = false;
  for (const auto& t : results) {
    if (!t.quantized()) continue;
    Point p{double(t.index), qstr(t.name), t.metrics};
    auto pos = std::lower_bound(r.points.begin(), r.points.end(), p.x,
                                [](const Point& a, double x) { return a.x < x; });
    r.points.insert(pos, std::move(p));  // batch mode finishes tensors out of order
    added = true;
  }
  if (!added) return;
  refill(r);
  dataChanged();
}

void AccuracyChart::refill(Run& r) {
  QList<QPointF> pts;
  pts.reserve(qsizetype(r.points.size()));
  for (const auto& p : r.points) {
    const double v = metricValue(metric_, p.m);
    if (!std::isnan(v)) pts.append({p.x, v});
  }
  r.series->replace(pts);
}

void AccuracyChart::setMetric(AccuracyMetric m) {
  if (metricBox_->currentData().toInt() != int(m))
    metricBox_->setCurrentIndex(metricBox_->findData(int(m)));  // re-enters once, harmless
  if (m == metric_) return;
  metric_ = m;
  y_->setTitleText(metricName(m));
  for (auto& r : runs_) refill(r);
  resetZoom();
}

void AccuracyChart::rescale() {
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& r : runs_)
    for (const QPointF& p : r.series->points()) {
      x0 = std::min(x0, p.x());
      x1 = std::max(x1, p.x());
      y0 = std::min(y0, p.y());
      y1 = std::max(y1, p.y());
    }
  if (x0 > x1) return;
  fitAxis(x_, x0, x1, false);
  if (metric_ == AccuracyMetric::Cosine) {
    fitAxis(y_, y0, std::min(1.0, y1), false);
    if (y_->max() > 1.0) y_->setMax(1.0);
  } else {
    fitAxis(y_, y0, y1, metric_ == AccuracyMetric::RelError);
  }
}

void AccuracyChart::restyle() {
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    QPen pen(seriesColor(int(i)), 1.6);
    runs_[i].series->setPen(pen);
    runs_[i].series->setMarkerSize(5);
  }
}

void AccuracyChart::hovered(const Run& r, QPointF p, bool on) {
  if (!on || r.points.empty()) return hideTip();
  auto it = std::min_element(r.points.begin(), r.points.end(), [&](const Point& a, const Point& b) {
    return std::abs(a.x - p.x()) < std::abs(b.x - p.x());
  });
  showTip(QString("<b>%1</b><br>%2<br>SQNR %3 · cosine %4 · rel. error %5")
              .arg(it->name.toHtmlEscaped(), r.label.toHtmlEscaped(), formatDb(it->m.sqnr_db),
                   formatCosine(it->m.cosine), formatPercent(it->m.rel_fro_error)));
}

}  // namespace aqui
