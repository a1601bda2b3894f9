#include "ui/charts/qt_chart_panel.h"

#include <QCursor>
#include <QFontMetrics>
#include <QResizeEvent>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtCharts/QAbstractSeries>
#include <QtCharts/QLegend>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

#include "ui/charts/axis_fit.h"
#include "ui/charts/chart_help.h"
#include "ui/charts/chart_maximiser.h"
#include "ui/charts/chart_rendering.h"
#include "ui/charts/chart_save_button.h"
#include "ui/charts/zoomable_chart_view.h"

namespace aqui {

QtChartPanel::QtChartPanel(const QString& key, const QString& title, QWidget* parent)
    : ChartPanel(parent), key_(key), title_(title), chart_(new QChart) {
  setObjectName(key + "Chart");
  setWhatsThis(chartWhatsThis(key));  // Help ▸ What's This?: what it plots, how to read it
  fullTitle_ = title;
  chart_->setTitle(title);
  chart_->legend()->setAlignment(Qt::AlignBottom);
  chart_->setMargins(QMargins(4, 4, 4, 4));
  view_ = new ZoomableChartView(chart_);

  controls_ = new QHBoxLayout;
  controls_->setContentsMargins(4, 0, 4, 0);
  view_->setToolTip("Drag a rectangle or use the wheel to zoom; double-click to reset the zoom,\n"
                    "or to maximise and restore the chart; click a legend entry to hide or show its series.");
  // Point labels drawn outside the plot ("peak …") lie outside their item's bounds: only a full
  // repaint removes them when the data goes.
  view_->setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
  auto* reset = new QToolButton;
  reset->setObjectName("resetZoom");
  reset->setText("Reset zoom");
  reset->setAutoRaise(true);
  QToolButton* save = makeChartSaveButton(this);
  maximise_ = makeMaximiseButton(this);
  controls_->addStretch(1);
  controls_->addWidget(reset);
  controls_->addWidget(save);
  controls_->addWidget(maximise_);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addLayout(controls_);
  layout->addWidget(view_, 1);
  setMinimumSize(200, 160);

  connect(reset, &QToolButton::clicked, this, &QtChartPanel::resetZoom);
  connect(view_, &ZoomableChartView::resetRequested, this, [this] {
    if (zoomed_ || chart_->isZoomed()) resetZoom();
    else toggleMaximised(this);
  });
  connect(chart_, &QChart::plotAreaChanged, this, &QtChartPanel::plotAreaChanged);
  connect(view_, &ZoomableChartView::userZoomed, this, [this] { zoomed_ = true; });
  applyTheme(false);
}

void QtChartPanel::resetZoom() {
  chart_->zoomReset();
  zoomed_ = false;
  rescale();
}

void QtChartPanel::dataChanged() {
  if (!zoomed_) rescale();
}

void QtChartPanel::setDarkTheme(bool dark) {
  if (dark == dark_) return;
  applyTheme(dark);
}

void QtChartPanel::applyTheme(bool dark) {
  dark_ = dark;
  chart_->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
  chart_->setBackgroundRoundness(0);
  chart_->setDropShadowEnabled(false);
  QFont f = chart_->titleFont();
  f.setPointSizeF(10);
  f.setBold(true);
  chart_->setTitleFont(f);
  QFont lf = chart_->legend()->font();
  lf.setPointSizeF(8);
  chart_->legend()->setFont(lf);
  restyle();
  hookLegend();  // the theme resets marker label colours; hidden series must stay dimmed
}

void QtChartPanel::hookLegend() {
  for (QLegendMarker* m : chart_->legend()->markers()) {
    QAbstractSeries* s = m->series();
    m->disconnect(this);
    if (s->property("aqNoLegend").toBool()) {  // decoration (a trend line, a fill): no entry
      m->setVisible(false);
      continue;
    }
    m->setVisible(true);
    QColor c = m->labelBrush().color();
    c.setAlphaF(s->isVisible() ? 1.0 : 0.35);
    m->setLabelBrush(c);
    connect(m, &QLegendMarker::clicked, this, [this, m, s] {
      s->setVisible(!s->isVisible());
      m->setVisible(true);  // hiding a series hides its marker; keep it so it can come back
      QColor col = m->labelBrush().color();
      col.setAlphaF(s->isVisible() ? 1.0 : 0.35);
      m->setLabelBrush(col);
    });
  }
  fitLegend();
}

void QtChartPanel::showTip(const QString& html) { QToolTip::showText(QCursor::pos(), html, view_); }
void QtChartPanel::hideTip() { QToolTip::hideText(); }

void QtChartPanel::attach(QAbstractSeries* series, QAbstractAxis* x, QAbstractAxis* y) {
  chart_->addSeries(series);
  series->attachAxis(x);
  series->attachAxis(y);
}

int QtChartPanel::intervalsFor(const QValueAxis* axis, double lo, double hi) const {
  const QRectF plot = chart_->plotArea();
  const bool horizontal = axis->orientation() == Qt::Horizontal;
  const double pixels = horizontal ? plot.width() : plot.height();
  if (pixels < 20) return 5;  // not laid out yet
  const QFontMetrics fm(axis->labelsFont());
  if (!horizontal) return aqui::intervalsFor(pixels, fm.height() * 2.2);
  // The widest label at a first guess of the step, plus a gap: labels that do not fit would be
  // elided to "…" by Qt Charts.
  const double step = niceStep(hi - lo, aqui::intervalsFor(pixels, 60));
  const int d = stepDecimals(step);
  const double widest = std::max(fm.horizontalAdvance(tickLabel(lo, d)), fm.horizontalAdvance(tickLabel(hi, d)));
  return aqui::intervalsFor(pixels, widest + fm.horizontalAdvance("0000"));
}

std::pair<QValueAxis*, QLogValueAxis*> QtChartPanel::addSizeErrorAxes() {
  auto* x = new QValueAxis;
  auto* y = new QLogValueAxis;
  y->setBase(10);
  y->setMinorTickCount(8);
  chart_->addAxis(x, Qt::AlignBottom);
  chart_->addAxis(y, Qt::AlignLeft);
  manageAxis(x, true);
  return {x, y};
}

void QtChartPanel::fitAxis(QValueAxis* axis, double lo, double hi, bool fromZero, bool nonNegative, double atMost) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return;
  AxisRequest r;
  r.lo = lo;
  r.hi = hi;
  r.fromZero = fromZero;
  r.nonNegative = nonNegative;
  r.atMost = atMost;
  r.maxIntervals = intervalsFor(axis, std::min(lo, hi), std::max(lo, hi));
  if (const ManagedAxis* m = managed(axis)) {
    r.nonNegative = r.nonNegative || m->nonNegative;
    r.integer = m->integer;
  }
  const AxisFit f = fitAxisRange(r);
  setAxisRange(axis, f.lo, f.hi);
}

QtChartPanel::AxisDeferral::AxisDeferral(QtChartPanel& panel) : panel_(panel) { ++panel_.deferrals_; }

QtChartPanel::AxisDeferral::~AxisDeferral() {
  if (--panel_.deferrals_ > 0) return;
  const auto pending = std::move(panel_.pendingRanges_);
  panel_.pendingRanges_.clear();
  for (const auto& [axis, range] : pending) panel_.setAxisRange(axis, range.first, range.second);
}

void QtChartPanel::setAxisRange(QValueAxis* axis, double lo, double hi) {
  if (deferrals_ > 0) {
    auto it = std::find_if(pendingRanges_.begin(), pendingRanges_.end(), [axis](const auto& p) { return p.first == axis; });
    if (it == pendingRanges_.end()) pendingRanges_.push_back({axis, {lo, hi}});
    else it->second = {lo, hi};
    return;
  }
  const bool outer = !fitting_;
  fitting_ = true;  // the relayouts below must not start another fit
  if (hi > lo) {
    reticking_ = true;  // the range change's own retick: the ticks are set here, with the range
    applyTicks(axis, managed(axis), lo, hi);
    reticking_ = false;
  } else {
    axis->setRange(lo, hi);
  }
  if (outer) fitting_ = false;
}

const QtChartPanel::ManagedAxis* QtChartPanel::managed(const QValueAxis* axis) const {
  for (const auto& m : axes_)
    if (m.axis == axis) return &m;
  return nullptr;
}

void QtChartPanel::manageAxis(QValueAxis* axis, bool nonNegative, bool integer) {
  axes_.push_back({axis, nonNegative, integer});
  connect(axis, &QValueAxis::rangeChanged, this, [this, axis] { retick(axis); });
  retick(axis);
}

void QtChartPanel::setAxisKind(QValueAxis* axis, bool nonNegative, bool integer) {
  for (auto& m : axes_)
    if (m.axis == axis) m.nonNegative = nonNegative, m.integer = integer;
  retick(axis);
}

void QtChartPanel::retick(QValueAxis* axis) {
  const ManagedAxis* m = managed(axis);
  const bool nonNegative = m && m->nonNegative;
  double lo = axis->min(), hi = axis->max();
  if (nonNegative && lo < 0) {
    // A pan or zoom past zero: slide the window back instead of showing impossible values.
    // Queued: inside a range change, Qt Charts is still updating its domain and layout.
    QMetaObject::invokeMethod(
        axis, [axis] { if (axis->min() < 0) axis->setRange(0, std::max(axis->max() - axis->min(), 1e-9)); },
        Qt::QueuedConnection);
    return;
  }
  if (reticking_) return;  // a relayout inside the changes below asks again
  reticking_ = true;
  retickNow(axis, m, lo, hi);
  reticking_ = false;
}

void QtChartPanel::retickNow(QValueAxis* axis, const ManagedAxis* m, double lo, double hi) {
  if (hi > lo) applyTicks(axis, m, lo, hi);
}

void QtChartPanel::applyTicks(QValueAxis* axis, const ManagedAxis* m, double lo, double hi) {
  // Dynamic ticks at multiples of a nice step from zero: exact after a fit, and still exact
  // after a zoom or pan to an arbitrary range. The format prints exactly those multiples.
  double step = niceStep(hi - lo, intervalsFor(axis, lo, hi));
  if (m && m->integer) step = std::max(step, 1.0);
  const QString format = QString("%.%1f").arg(stepDecimals(step));
  // Qt Charts lays the axis' labels out again on each change below, so only what differs is
  // set. A larger interval goes before the range (Qt lays the old interval out over the new
  // range at once, and a small interval over a large range is millions of ticks); a smaller
  // one after it.
  if (axis->tickType() != QValueAxis::TicksDynamic) axis->setTickType(QValueAxis::TicksDynamic);
  if (axis->tickAnchor() != 0) axis->setTickAnchor(0);
  if (axis->labelFormat() != format) axis->setLabelFormat(format);
  const bool widen = step > axis->tickInterval();
  if (widen) axis->setTickInterval(step);
  if (axis->min() != lo || axis->max() != hi) axis->setRange(lo, hi);
  if (!widen && axis->tickInterval() != step) axis->setTickInterval(step);
}

void QtChartPanel::plotAreaChanged() {
  // The room for labels changed: re-tick every axis to as many ticks as fit, and refit the
  // ranges when the plot really changed size. Labels that change width move the plot area a
  // little again; those small moves do not refit, so a fit and its labels cannot chase each other.
  if (fitting_) return;
  fitting_ = true;
  fitAxisTitles();
  const QSizeF size = chart_->plotArea().size();
  if (std::abs(size.width() - fittedFor_.width()) >= 12 || std::abs(size.height() - fittedFor_.height()) >= 12) {
    fittedFor_ = size;
    if (!zoomed_ && !chart_->isZoomed()) rescale();
  }
  for (const auto& a : axes_) retick(a.axis);
  fitting_ = false;
}

void QtChartPanel::setChartTitle(const QString& title) {
  fullTitle_ = title;
  fitTitle();
}

void QtChartPanel::fitTitle() {
  // A title wider than the chart is cut by Qt Charts; drop its qualifiers instead (after a
  // comma, a dash or in parentheses), and only then elide, keeping the start.
  const QFontMetrics fm(chart_->titleFont());
  int room = std::max(40, width() - 16);
  QString t = fullTitle_;
  if (!isVisible()) room = 1 << 20;  // not laid out: its width means nothing yet
  for (const QString& sep : {QString(" — "), QString(", "), QString(" (")}) {
    if (fm.horizontalAdvance(t) <= room) break;
    const int at = t.indexOf(sep);
    if (at > 0) t = t.left(at);
  }
  // "Per-layer SQNR: output vs weight" keeps what it compares before what it is drawn over.
  if (fm.horizontalAdvance(t) > room && t.startsWith("Per-layer ")) t = t.mid(10);
  if (fm.horizontalAdvance(t) > room && t.indexOf(": ") > 0) t = t.left(t.indexOf(": "));
  if (fm.horizontalAdvance(t) > room) t = fm.elidedText(t, Qt::ElideRight, room);
  if (chart_->title() != t) chart_->setTitle(t);
}

void QtChartPanel::setAxisTitle(QAbstractAxis* axis, const QString& full, const QString& brief) {
  axis->setProperty("aqFullTitle", full);
  axis->setProperty("aqBriefTitle", brief);
  axis->setTitleText(full);
  fitAxisTitles();
}

void QtChartPanel::fitAxisTitles() {
  const QRectF plot = chart_->plotArea();
  if (plot.width() < 20) return;  // not laid out yet
  for (QAbstractAxis* a : chart_->axes()) {
    const QString full = a->property("aqFullTitle").toString();
    if (full.isEmpty()) continue;
    const double room = (a->orientation() == Qt::Horizontal ? plot.width() : plot.height()) - 8;
    const bool fits = QFontMetrics(a->titleFont()).horizontalAdvance(full) <= room;
    const QString t = fits ? full : a->property("aqBriefTitle").toString();
    if (a->titleText() != t) a->setTitleText(t);
  }
}

void QtChartPanel::setLegendShown(bool shown) {
  legendShown_ = shown;
  fitLegend();
}

void QtChartPanel::fitLegend() { fitLegend(size()); }

void QtChartPanel::fitLegend(QSize size) {
  // A short chart gives the plot its height, or Qt Charts elides the tick labels to "…": the
  // legend moves beside the plot (where its entries are not cut either), and below 200 pixels
  // the x axis title goes (the chart title and the tooltips still say what is plotted).
  const bool shortChart = size.height() < 300;
  const bool tiny = size.height() < 220;
  // Beside a short plot the legend may take a third of the width; wider entries would be cut,
  // so they go (the hover tooltips name every series; Maximise shows the legend again), and so
  // does a lone entry, which only repeats the title.
  // (Entries are counted from the series: a marker reads as invisible while its legend is.)
  int entries = 0;
  double widest = 0;
  const QFontMetrics fm(chart_->legend()->font());
  for (QLegendMarker* m : chart_->legend()->markers()) {
    if (m->series()->property("aqNoLegend").toBool()) continue;
    ++entries;
    widest = std::max<double>(widest, fm.horizontalAdvance(m->label()));
  }
  // Along the bottom, entries that do not all fit would be cut to "#1 …": each is then shortened
  // to its first word ("#1 INT2 g64" -> "#1"; the hover tooltips and the tables say the rest).
  if (!shortChart) {
    double total = 0;
    for (QLegendMarker* m : chart_->legend()->markers())
      if (!m->series()->property("aqNoLegend").toBool()) total += fm.horizontalAdvance(m->series()->name()) + 36;
    const bool shorten = total > size.width() - 16;
    for (QLegendMarker* m : chart_->legend()->markers()) {
      const QString name = m->series()->name();
      const QString label = shorten ? name.section(' ', 0, 0) : name;
      if (m->label() != label) m->setLabel(label);
    }
  }
  // Beside, the legend must also leave the plot room for three tick labels ("0.00 0.05 0.10"
  // ran together in a 190-pixel memory chart at 1024x700).
  const bool fitsBeside = widest + 36 <= size.width() / 3.0 && size.width() - (widest + 36) >= 170;
  chart_->legend()->setAlignment(shortChart ? Qt::AlignRight : Qt::AlignBottom);
  chart_->legend()->setVisible(legendShown_ && (!shortChart || (entries > 1 && fitsBeside)));
  chart_->setMargins(shortChart ? QMargins(1, 1, 1, 1) : QMargins(4, 4, 4, 4));
  for (QAbstractAxis* a : chart_->axes(Qt::Horizontal)) a->setTitleVisible(!tiny);
}

void QtChartPanel::resizeEvent(QResizeEvent* e) {
  ChartPanel::resizeEvent(e);
  fitTitle();
  fitLegend();
  fitAxisTitles();
  // A narrow controls row keeps the chart's own controls; zoom still resets by double-click.
  if (auto* reset = findChild<QToolButton*>("resetZoom")) reset->setVisible(width() >= 360);
}

void QtChartPanel::showEvent(QShowEvent* e) {
  ChartPanel::showEvent(e);
  fitTitle();  // shortened only once the chart has a real width
}

void QtChartPanel::paint(QPainter& painter, QSize size) {
  // The chart is laid out again at the export size and put back afterwards; both happen
  // synchronously, so the on-screen view never paints the intermediate state.
  const bool wasDark = dark_;
  const bool wantDark = exportDark();
  if (wasDark != wantDark) applyTheme(wantDark);
  const QSizeF old = chart_->size();
  const QString shown = chart_->title();
  chart_->setTitle(fullTitle_);  // the export has room for the whole title
  fitLegend(size);                // and is laid out for its own size, not the screen's
  chart_->resize(size);
  // Qt lays a resized chart out on the next event loop pass; the export draws now.
  if (QGraphicsLayout* l = chart_->layout()) l->activate();
  fittedFor_ = {};
  plotAreaChanged();  // ticks for the export's size
  if (QGraphicsLayout* l = chart_->layout()) l->activate();
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setRenderHint(QPainter::TextAntialiasing);
  chart_->scene()->render(&painter, QRectF(QPointF(0, 0), size), QRectF(chart_->pos(), QSizeF(size)));
  chart_->resize(old);
  chart_->setTitle(shown);
  fitLegend();
  if (QGraphicsLayout* l = chart_->layout()) l->activate();
  fittedFor_ = {};
  plotAreaChanged();  // and back to the screen's
  if (wasDark != wantDark) applyTheme(wasDark);
}

QImage QtChartPanel::renderImage(QSize size, qreal scale) {
  return renderChartImage(size, scale, exportBackground(exportDark()), [&](QPainter& p) { paint(p, size); });
}

QByteArray QtChartPanel::renderSvg(QSize size) {
  return renderChartSvg(size, title_, [&](QPainter& p) { paint(p, size); });
}

}  // namespace aqui
