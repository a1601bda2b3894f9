#include "ui/charts/pareto_chart.h"

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
namespace {
// A log axis cannot show zero: an exact choice is drawn at the floor.
constexpr double kErrorFloor = 1e-12;
}  // namespace

ParetoChart::ParetoChart(QWidget* parent) : QtChartPanel("pareto", "Size vs. error (size budget)", parent) {
  frontier_ = new QLineSeries;
  frontier_->setName("frontier");
  // Hundreds of steps: a wide line, not markers, which would smear into a blur.
  path_ = new QLineSeries;
  path_->setName("allocation");
  chosen_ = new QScatterSeries;
  chosen_->setName("chosen");
  chosen_->setMarkerSize(13);
  chosen_->setPointLabelsVisible(true);
  chosen_->setPointLabelsClipping(false);
  target_ = new QLineSeries;
  target_->setName("budget");
  std::tie(x_, y_) = addSizeErrorAxes();
  setAxisTitle(x_, "output size (bits per weight, whole model)", "bits/weight");
  for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{target_, path_, frontier_, chosen_}) attach(s, x_, y_);
  connect(frontier_, &QLineSeries::hovered, this, [this](const QPointF& p, bool on) {
    if (!on) return hideTip();
    showTip(QString("<b>Frontier</b>: the least summed error any choice reaches at %1 bits/weight<br>"
                    "(the greedy's steps without the budget): about %2")
                .arg(p.x(), 0, 'f', 3)
                .arg(p.y(), 0, 'g', 3));
  });
  connect(target_, &QLineSeries::hovered, this, [this](const QPointF&, bool on) {
    if (!on || !budget_) return hideTip();
    showTip(QString("<b>Budget</b>: %1 bits/weight, %2 of tensor data")
                .arg(budget_->bits_per_weight(budget_->target_bytes), 0, 'f', 3)
                .arg(formatBytes(budget_->target_bytes)));
  });
  hoverTip(path_, "The allocation's path: the choices it went through");
  hoverTip(chosen_, "<b>Chosen</b>");
  restyle();
  hookLegend();
  clear();
}

void ParetoChart::hoverTip(QXYSeries* s, const QString& what) {
  connect(s, &QXYSeries::hovered, this, [this, what](const QPointF& p, bool on) {
    if (!on || !budget_) return hideTip();
    const double bytes = p.x() * double(budget_->params) / 8.0;
    showTip(QString("%1<br>%2 bits/weight, %3 of tensor data<br>summed relative %4 error %5")
                .arg(what)
                .arg(p.x(), 0, 'f', 3)
                .arg(formatBytes(uint64_t(std::llround(bytes))), qstr(budget_->error_kind))
                .arg(p.y(), 0, 'g', 4));
  });
}

void ParetoChart::clear() {
  budget_.reset();
  for (QXYSeries* s : std::initializer_list<QXYSeries*>{frontier_, path_, chosen_, target_}) s->clear();
  chosen_->setPointLabelsFormat(QString());
  setAxisTitle(y_, "summed relative error", "error");
  rescale();
}

int ParetoChart::pointCount() const { return int(frontier_->count() + path_->count() + chosen_->count()); }
int ParetoChart::frontierCount() const { return int(frontier_->count()); }
int ParetoChart::pathCount() const { return int(path_->count()); }

std::optional<QPointF> ParetoChart::chosenPoint() const {
  if (chosen_->count() == 0) return std::nullopt;
  return chosen_->at(0);
}

std::optional<double> ParetoChart::targetBpw() const {
  if (!budget_) return std::nullopt;
  return budget_->bits_per_weight(budget_->target_bytes);
}

QPointF ParetoChart::toChart(const aq::BudgetPoint& p) const {
  return {budget_->bits_per_weight(p.bytes), std::max(p.error, kErrorFloor)};
}

void ParetoChart::setBudget(const aq::BudgetSummary& budget) {
  budget_ = budget;
  // The axes first: Qt Charts leaves out of a log-axis line the points that lay outside the
  // range in force when they were added, even once the range includes them.
  dataChanged();
  QList<QPointF> frontier, path;
  for (const auto& p : budget.frontier) frontier.append(toChart(p));
  for (const auto& p : budget.path) path.append(toChart(p));
  frontier_->replace(frontier);
  path_->replace(path);
  const QPointF chosen = toChart(budget.chosen);
  chosen_->replace(QList<QPointF>{chosen});
  // A fixed label (no @ placeholders): the placeholder would print every decimal. Qt centres it
  // over the point, across the path coming from the upper left; as many figure spaces in front
  // move the words to the right of the point.
  const QString label = QString("chosen %1 bpw").arg(chosen.x(), 0, 'f', 2);
  chosen_->setPointLabelsFormat(QString(label.size(), QChar(0x2007)) + label);
  setAxisTitle(y_, QString("summed relative %1 error (%2 tensors)").arg(qstr(budget.error_kind)).arg(budget.tensors),
               "error");
}

void ParetoChart::rescale() {
  if (!budget_) {
    setAxisRange(x_, 0, 8);
    const LogAxisFit f = fitLogRange(0.001, 1);
    y_->setRange(f.lo, f.hi);
    y_->setLabelFormat(f.format);
    target_->clear();
    return;
  }
  double x0 = 1e300, x1 = 0, y0 = 1e300, y1 = 0;
  auto take = [&](const QPointF& p) {
    x0 = std::min(x0, p.x()), x1 = std::max(x1, p.x());
    y0 = std::min(y0, p.y()), y1 = std::max(y1, p.y());
  };
  for (const auto& p : budget_->frontier) take(toChart(p));
  take(toChart(budget_->chosen));
  const double target = budget_->bits_per_weight(budget_->target_bytes);
  x0 = std::min(x0, target), x1 = std::max(x1, target);
  fitAxis(x_, x0, x1, false, true);
  const LogAxisFit f = fitLogRange(y0, y1, kErrorFloor);
  y_->setRange(f.lo, f.hi);
  y_->setLabelFormat(f.format);
  // The budget as a vertical line over the whole plot.
  target_->replace(QList<QPointF>{{target, f.lo}, {target, f.hi}});
}

void ParetoChart::restyle() {
  frontier_->setPen(QPen(seriesColor(0), 1.6));
  QColor wide = seriesColor(1);
  wide.setAlphaF(0.75);
  path_->setPen(QPen(wide, 6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
  target_->setPen(QPen(dark() ? QColor(0xa0, 0xa6, 0xb0) : QColor(0x70, 0x76, 0x80), 1.4, Qt::DashLine));
  chosen_->setColor(QColor(0xd9, 0x3f, 0x3f));
  chosen_->setBorderColor(Qt::white);
  chosen_->setPointLabelsColor(dark() ? QColor(0xff, 0x9a, 0x9a) : QColor(0xb0, 0x20, 0x20));
  QFont f = chosen_->pointLabelsFont();
  f.setBold(true);
  chosen_->setPointLabelsFont(f);
}

}  // namespace aqui
