#include "ui/charts/histogram_chart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

#include "ui/charts/axis_fit.h"
#include "ui/charts/series_palette.h"
#include "ui/util/format.h"

namespace aqui {
namespace {

// A histogram as a step outline, in percent of the elements: runs with different element
// counts stay comparable.
QList<QPointF> steps(const aq::Histogram& h, double total, double floor) {
  QList<QPointF> pts;
  const double w = h.bin_width();
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    const double y = std::max(100.0 * double(h.counts[i]) / total, floor);
    const double x0 = h.lo + double(i) * w;
    pts.append({x0, y});
    pts.append({x0 + w, y});
  }
  return pts;
}

}  // namespace

HistogramChart::HistogramChart(QWidget* parent)
    : QtChartPanel("histogram", "Layer weight distribution", parent) {
  viewBox_ = new QComboBox;
  viewBox_->setObjectName("histogramView");
  viewBox_->addItem("values", int(HistogramView::Values));
  viewBox_->addItem("errors", int(HistogramView::Errors));
  logBox_ = new QCheckBox("log");
  controls()->insertWidget(0, viewBox_);
  controls()->insertWidget(1, logBox_);
  connect(viewBox_, &QComboBox::currentIndexChanged, this,
          [this] { setView(HistogramView(viewBox_->currentData().toInt())); });
  connect(logBox_, &QCheckBox::toggled, this, &HistogramChart::setLogScale);

  x_ = new QValueAxis;
  yLinear_ = new QValueAxis;

  yLog_ = new QLogValueAxis;

  yLog_->setLabelFormat("%g");
  chart()->addAxis(x_, Qt::AlignBottom);
  chart()->addAxis(yLinear_, Qt::AlignLeft);
  chart()->addAxis(yLog_, Qt::AlignLeft);
  manageAxis(x_, false);
  manageAxis(yLinear_, true);
  setAxisTitle(yLinear_, "% of weights", "%");
  setAxisTitle(yLog_, "% of weights (log)", "% (log)");
  yLog_->setVisible(false);
  clear();
}

void HistogramChart::clear() {
  data_ = {};
  labels_.clear();
  setMessage("select a layer in the table");
}

void HistogramChart::setMessage(const QString& message) {
  hasData_ = false;  // a later view or scale switch must not bring back the old layer
  chart()->removeAllSeries();
  setChartTitle("Layer weight distribution — " + message);
  setAxisRange(x_, -1, 1);
  setAxisRange(yLinear_, 0, 1);
}

int HistogramChart::pointCount() const {
  int n = 0;
  for (const QAbstractSeries* s : chart()->series())
    if (auto* xy = qobject_cast<const QXYSeries*>(s)) n += int(xy->count());
  return n;
}

void HistogramChart::setData(const aq::LayerHistograms& h, const std::vector<QString>& labels,
                             const std::vector<int>& colors) {
  data_ = h;
  labels_ = labels;
  colors_ = colors;
  hasData_ = true;
  rebuild();
}

void HistogramChart::setView(HistogramView v) {
  view_ = v;
  if (viewBox_->currentData().toInt() != int(v)) viewBox_->setCurrentIndex(viewBox_->findData(int(v)));
  if (hasData_) rebuild();
}

void HistogramChart::setLogScale(bool on) {
  log_ = on;
  if (logBox_->isChecked() != on) logBox_->setChecked(on);
  if (hasData_) rebuild();
}

void HistogramChart::rebuild() {
  chart()->removeAllSeries();
  QAbstractAxis* y = log_ ? static_cast<QAbstractAxis*>(yLog_) : yLinear_;
  yLog_->setVisible(log_);
  yLinear_->setVisible(!log_);
  const double total = double(std::max<int64_t>(data_.elements, 1));
  const double floor = log_ ? 100.0 / total * 0.5 : 0.0;  // log axes cannot show zero
  yMinPositive_ = 100.0 / total;
  yMax_ = 0;
  const QString name = qstr(data_.name);

  if (view_ == HistogramView::Values) {
    const auto& o = data_.original;
    const double outside = 100.0 * double(o.below + o.above) / total;
    setChartTitle(name + " — values");
    setAxisTitle(x_, QString("weight value (%1 sampled, %2 % outside)").arg(formatParams(data_.elements)).arg(outside, 0, 'f', 2),
                 "weight value");
    auto* upper = new QLineSeries;
    upper->append(steps(data_.original, total, floor));
    auto* lower = new QLineSeries;
    for (const QPointF& p : upper->points()) lower->append(p.x(), log_ ? floor : 0.0);
    auto* area = new QAreaSeries(upper, lower);
    area->setName("original");
    area->setProperty("role", "original");
    attach(area, x_, y);
    for (const QPointF& p : upper->points()) yMax_ = std::max(yMax_, p.y());
  } else {
    setChartTitle(name + " — errors");
    setAxisTitle(x_, "dequantized − original", "error");
  }
  for (std::size_t i = 0; i < data_.schemes.size(); ++i) {
    const auto& sh = data_.schemes[i];
    auto* s = new QLineSeries;
    const QString label = i < labels_.size() ? labels_[i] : qstr(sh.scheme.describe());
    s->setName(label);
    s->setProperty("colorIndex", i < colors_.size() ? colors_[i] : int(i));
    s->append(steps(view_ == HistogramView::Values ? sh.values : sh.errors, total, floor));
    for (const QPointF& p : s->points()) yMax_ = std::max(yMax_, p.y());
    connect(s, &QLineSeries::hovered, this, [this, label, sh](const QPointF& p, bool on) {
      if (!on) return hideTip();
      showTip(QString("<b>%1</b> (%2)<br>at %3: %4 % of weights<br>SQNR %5 · cosine %6 on this sample")
                  .arg(label.toHtmlEscaped(), qstr(sh.scheme.describe()))
                  .arg(p.x(), 0, 'g', 4)
                  .arg(p.y(), 0, 'g', 3)
                  .arg(formatDb(sh.metrics.sqnr_db), formatCosine(sh.metrics.cosine)));
    });
    attach(s, x_, y);
  }
  restyle();
  hookLegend();
  resetZoom();
}

void HistogramChart::rescale() {
  if (!hasData_) return;
  const aq::Histogram* h = &data_.original;
  if (view_ == HistogramView::Errors && !data_.schemes.empty()) h = &data_.schemes.front().errors;
  fitAxis(x_, h->lo, h->hi, false);
  if (log_) {
    // Whole decades, printed plainly; bins below kLogAxisFloor (one weight in a million)
    // sit on the bottom edge with the empty ones.
    const LogAxisFit f = fitLogRange(yMinPositive_ * 0.5, std::max(yMax_ * 1.5, yMinPositive_));
    yLog_->setRange(f.lo, f.hi);
    yLog_->setLabelFormat(f.format);
  } else {
    fitAxis(yLinear_, 0, std::max(yMax_, 1e-9), true, true);
  }
}

void HistogramChart::restyle() {
  for (QAbstractSeries* a : chart()->series()) {
    if (auto* area = qobject_cast<QAreaSeries*>(a)) {
      QColor fill = dark() ? QColor(0x9a, 0xa4, 0xb4) : QColor(0x8a, 0x94, 0xa6);
      fill.setAlphaF(0.45);
      area->setBrush(fill);
      area->setPen(QPen(fill.darker(130), 1));
      continue;
    }
    auto* s = static_cast<QLineSeries*>(a);
    s->setPen(QPen(seriesColor(s->property("colorIndex").toInt()), 1.6));
  }
}

}  // namespace aqui
