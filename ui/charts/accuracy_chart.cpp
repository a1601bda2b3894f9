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

double outputMetricValue(AccuracyMetric m, const aq::OutputError& e) {
  double v = std::numeric_limits<double>::quiet_NaN();
  if (m == AccuracyMetric::Sqnr) v = e.sqnr_db;
  else if (m == AccuracyMetric::RelError && e.relative >= 0) v = 100.0 * std::sqrt(e.relative);
  return std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN();
}

namespace {
// What the two lines of a calibrated run measure, in the legend and the title.
QString shortMetric(AccuracyMetric m) { return m == AccuracyMetric::Sqnr ? "SQNR" : "error"; }
// The y axis title of a short chart.
QString briefMetricName(AccuracyMetric m) {
  return m == AccuracyMetric::Sqnr ? "dB" : m == AccuracyMetric::Cosine ? "cosine" : "error %";
}
}  // namespace

AccuracyChart::AccuracyChart(QWidget* parent, const QString& key, const QString& title)
    : QtChartPanel(key, title, parent), baseTitle_(title) {
  metricBox_ = new QComboBox;
  metricBox_->setObjectName("metric");
  for (auto m : {AccuracyMetric::Sqnr, AccuracyMetric::Cosine, AccuracyMetric::RelError})
    metricBox_->addItem(metricName(m), int(m));
  controls()->insertWidget(0, metricBox_);
  connect(metricBox_, &QComboBox::currentIndexChanged, this,
          [this] { setMetric(AccuracyMetric(metricBox_->currentData().toInt())); });

  x_ = new QValueAxis;
  y_ = new QValueAxis;
  chart()->addAxis(x_, Qt::AlignBottom);
  chart()->addAxis(y_, Qt::AlignLeft);
  manageAxis(x_, true, true);
  setAxisTitle(x_, "tensor # (model order)", "tensor #");
  manageAxis(y_, false);
  clear();
}

void AccuracyChart::clear() {
  for (auto& r : runs_)
    for (QLineSeries* series : {r.series, r.output}) {
      if (!series) continue;
      chart()->removeSeries(series);
      delete series;
    }
  runs_.clear();
  setChartTitle(baseTitle_);
  setAxisRange(x_, 0, 10);
  setAxisTitle(y_, metricName(metric_), briefMetricName(metric_));
  setAxisRange(y_, 0, metric_ == AccuracyMetric::Cosine ? 1 : 40);
}

int AccuracyChart::pointCount() const {
  int n = 0;
  for (const auto& r : runs_) n += int(r.series->count()) + (r.output ? int(r.output->count()) : 0);
  return n;
}

int AccuracyChart::outputPointCount() const {
  int n = 0;
  for (const auto& r : runs_) n += r.output ? int(r.output->count()) : 0;
  return n;
}

QList<QPointF> AccuracyChart::outputPoints(int run) const {
  if (run < 0 || run >= runCount() || !runs_[std::size_t(run)].output) return {};
  return runs_[std::size_t(run)].output->points();
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
  rename();  // a second run changes how a calibrated run's lines are named
  restyle();
  hookLegend();
  return runs_.back();
}

void AccuracyChart::addOutputSeries(Run& r, std::size_t i) {
  r.output = new QLineSeries;
  r.output->setPointsVisible(true);
  attach(r.output, x_, y_);
  connect(r.output, &QLineSeries::hovered, this, [this, i](const QPointF& p, bool on) {
    if (i < runs_.size()) hovered(runs_[i], p, on);
  });
  rename();
  restyle();
  hookLegend();
}

void AccuracyChart::addResults(const QString& run, const std::vector<aq::TensorResult>& results) {
  Run& r = runFor(run);
  bool added = false;
  for (const auto& t : results) {
    if (!t.quantized()) continue;
    if (t.output_error && !r.output) addOutputSeries(r, std::size_t(&r - runs_.data()));
    added = true;
    Point p{double(t.index), qstr(t.name), t.metrics, t.output_error};
    auto pos = std::lower_bound(r.points.begin(), r.points.end(), p.x,
                                [](const Point& a, double x) { return a.x < x; });
    r.points.insert(pos, std::move(p));  // batch mode finishes tensors out of order
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
  if (!r.output) return;
  QList<QPointF> out;
  for (const auto& p : r.points) {
    const double v = p.out ? outputMetricValue(metric_, *p.out) : std::numeric_limits<double>::quiet_NaN();
    if (!std::isnan(v)) out.append({p.x, v});
  }
  r.output->replace(out);
}

void AccuracyChart::rename() {
  // Cosine has no output counterpart: the output lines step aside and the chart reads as without
  // calibration.
  // With one run (the live chart) the legend just names the two lines; with several (a
  // comparison) each run's label comes first.
  bool calibrated = false;
  const bool paired = metric_ != AccuracyMetric::Cosine;
  const bool single = runs_.size() == 1;
  const QString what = shortMetric(metric_);
  for (auto& r : runs_) {
    if (!r.output) continue;
    calibrated = true;
    r.series->setName(!paired ? r.label : single ? "weight " + what : r.label + " weight");
    r.output->setName(single ? "output " + what : r.label + " output");
    r.output->setVisible(paired);
    r.output->setProperty("aqNoLegend", !paired);
  }
  setChartTitle(calibrated && paired ? QString("Per-layer %1: output vs weight").arg(what) : baseTitle_);
}

void AccuracyChart::setMetric(AccuracyMetric m) {
  if (metricBox_->currentData().toInt() != int(m))
    metricBox_->setCurrentIndex(metricBox_->findData(int(m)));  // re-enters once, harmless
  if (m == metric_) return;
  metric_ = m;
  setAxisTitle(y_, metricName(m), briefMetricName(m));
  for (auto& r : runs_) refill(r);
  rename();
  hookLegend();
  resetZoom();
}

void AccuracyChart::rescale() {
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& r : runs_)
    for (const QLineSeries* s : {r.series, r.output}) {
      if (!s) continue;  // (the output series holds no points for cosine)
      for (const QPointF& p : s->points()) {
        x0 = std::min(x0, p.x());
        x1 = std::max(x1, p.x());
        y0 = std::min(y0, p.y());
        y1 = std::max(y1, p.y());
      }
    }
  if (x0 > x1) return;
  fitAxis(x_, x0, x1, false, true);
  if (metric_ == AccuracyMetric::Cosine) {
    fitAxis(y_, y0, std::min(1.0, y1), false, false, 1.0);
  } else {
    const bool relError = metric_ == AccuracyMetric::RelError;
    fitAxis(y_, y0, y1, relError, relError);
  }
}

void AccuracyChart::restyle() {
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    Run& r = runs_[i];
    const QColor c = seriesColor(int(i));
    if (!r.output) {
      r.series->setPen(QPen(c, 1.6));
      r.series->setMarkerSize(5);
      continue;
    }
    // The output metric is the primary line; the weight metric stays for reference, faded.
    QColor faded = c;
    faded.setAlphaF(0.5);
    r.series->setPen(QPen(faded, 1.2, Qt::DashLine));
    r.series->setPointsVisible(false);
    r.output->setPen(QPen(c, 2.0));
    r.output->setMarkerSize(4);
  }
}

void AccuracyChart::hovered(const Run& r, QPointF p, bool on) {
  if (!on || r.points.empty()) return hideTip();
  auto it = std::min_element(r.points.begin(), r.points.end(), [&](const Point& a, const Point& b) {
    return std::abs(a.x - p.x()) < std::abs(b.x - p.x());
  });
  QString out;
  if (it->out)
    out = QString("<br>output SQNR %1 · output error %2<br>damping %3, %4")
              .arg(formatDb(it->out->sqnr_db), formatPercent(std::sqrt(std::max(0.0, it->out->relative))),
                   formatPercent(it->out->damping),
                   it->out->compensated ? QString("compensated") : QString("not compensated (diagonal only)"));
  else if (r.output)
    out = "<br>no calibration data for this layer (data-free)";
  showTip(QString("<b>%1</b><br>%2<br>%3 %4 · cosine %5 · rel. error %6%7")
              .arg(it->name.toHtmlEscaped(), r.label.toHtmlEscaped(), r.output ? "weight SQNR" : "SQNR",
                   formatDb(it->m.sqnr_db),
                   formatCosine(it->m.cosine), formatPercent(it->m.rel_fro_error), out));
}

}  // namespace aqui
