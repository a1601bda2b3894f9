#include "ui/charts/size_error_chart.h"

#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>
#include <tuple>

#include "ui/charts/axis_fit.h"
#include "ui/charts/series_palette.h"
#include "ui/util/format.h"

namespace aqui {

SizeErrorChart::SizeErrorChart(QWidget* parent)
    : QtChartPanel("size-vs-error", "Output size vs. error", parent) {
  std::tie(x_, y_) = addSizeErrorAxes();
  x_->setTitleText("output size (MB)");
  setAxisTitle(y_, "relative error, whole model (%)", "rel. error (%)");
  setLegendShown(false);  // every point carries its run's name
  clear();
}

void SizeErrorChart::clear() {
  points_.clear();
  rebuild();
}

void SizeErrorChart::setPoints(const std::vector<SizeErrorPoint>& points) {
  points_ = points;
  rebuild();
}

void SizeErrorChart::rebuild() {
  chart()->removeAllSeries();
  trend_ = nullptr;
  std::vector<SizeErrorPoint> sorted;
  for (const auto& p : points_)
    if (p.rel_error > 0 && std::isfinite(p.rel_error)) sorted.push_back(p);
  std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.size_mb < b.size_mb; });
  if (sorted.size() > 1) {
    // A faint line through the runs, smallest first, makes the trade-off curve visible.
    trend_ = new QLineSeries;
    trend_->setProperty("aqNoLegend", true);
    for (const auto& p : sorted) trend_->append(p.size_mb, 100.0 * p.rel_error);
    attach(trend_, x_, y_);
  }
  for (const auto& p : sorted) {
    auto* s = new QScatterSeries;
    s->setName(p.label);
    s->append(p.size_mb, 100.0 * p.rel_error);
    s->setMarkerSize(13);
    s->setPointLabelsVisible(true);
    s->setPointLabelsClipping(false);
    s->setPointLabelsFormat(p.label);  // no @ placeholders: the run's name as a fixed label
    s->setProperty("colorIndex", p.color);
    connect(s, &QScatterSeries::hovered, this, [this, p](const QPointF&, bool on) {
      if (!on) return hideTip();
      showTip(QString("<b>%1</b><br>output %2 MB<br>relative error %3<br>mean SQNR %4")
                  .arg(p.label.toHtmlEscaped())
                  .arg(p.size_mb, 0, 'f', 2)
                  .arg(formatPercent(p.rel_error), formatDb(p.mean_sqnr_db)));
    });
    attach(s, x_, y_);
  }
  restyle();
  hookLegend();
  rescale();
}

void SizeErrorChart::rescale() {
  if (points_.empty()) {
    setAxisRange(x_, 0, 10);
    const LogAxisFit f = fitLogRange(0.1, 100);
    y_->setRange(f.lo, f.hi);
    y_->setLabelFormat(f.format);
    return;
  }
  double x1 = 0, y0 = 1e300, y1 = 0;
  for (const auto& p : points_) {
    x1 = std::max(x1, p.size_mb);
    if (p.rel_error > 0) {
      y0 = std::min(y0, 100.0 * p.rel_error);
      y1 = std::max(y1, 100.0 * p.rel_error);
    }
  }
  fitAxis(x_, 0, x1 * 1.3, true, true);  // room for the point labels on the right
  if (y1 > 0) {
    const LogAxisFit f = fitLogRange(y0, y1 * 1.01);
    y_->setRange(f.lo, f.hi);
    y_->setLabelFormat(f.format);
  }
}

void SizeErrorChart::restyle() {
  for (QAbstractSeries* a : chart()->series()) {
    if (a == trend_) {
      trend_->setPen(QPen(dark() ? QColor(0x90, 0x96, 0xa0) : QColor(0xb0, 0xb6, 0xc0), 1.2, Qt::DashLine));
      continue;
    }
    auto* s = static_cast<QScatterSeries*>(a);
    const QColor c = seriesColor(s->property("colorIndex").toInt());
    s->setColor(c);
    s->setBorderColor(dark() ? QColor(0x20, 0x20, 0x20) : Qt::white);
    s->setPointLabelsColor(c.darker(dark() ? 70 : 130));
    QFont f = s->pointLabelsFont();
    f.setBold(true);
    s->setPointLabelsFont(f);
  }
}

}  // namespace aqui
