#include "ui/charts/qt_chart_panel.h"

#include <QCursor>
#include <QGraphicsScene>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtCharts/QAbstractSeries>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

#include "ui/charts/chart_rendering.h"
#include "ui/charts/chart_save_button.h"
#include "ui/charts/zoomable_chart_view.h"

namespace aqui {

QtChartPanel::QtChartPanel(const QString& key, const QString& title, QWidget* parent)
    : ChartPanel(parent), key_(key), title_(title), chart_(new QChart) {
  setObjectName(key + "Chart");
  chart_->setTitle(title);
  chart_->legend()->setAlignment(Qt::AlignBottom);
  chart_->setMargins(QMargins(4, 4, 4, 4));
  view_ = new ZoomableChartView(chart_);

  controls_ = new QHBoxLayout;
  controls_->setContentsMargins(4, 0, 4, 0);
  view_->setToolTip("Drag a rectangle or use the wheel to zoom, double-click to reset;\n"
                    "click a legend entry to hide or show its series.");
  auto* reset = new QToolButton;
  reset->setText("Reset zoom");
  reset->setAutoRaise(true);
  QToolButton* save = makeChartSaveButton(this);
  controls_->addStretch(1);
  controls_->addWidget(reset);
  controls_->addWidget(save);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addLayout(controls_);
  layout->addWidget(view_, 1);
  setMinimumSize(200, 160);

  connect(reset, &QToolButton::clicked, this, &QtChartPanel::resetZoom);
  connect(view_, &ZoomableChartView::resetRequested, this, &QtChartPanel::resetZoom);
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
}

void QtChartPanel::showTip(const QString& html) { QToolTip::showText(QCursor::pos(), html, view_); }
void QtChartPanel::hideTip() { QToolTip::hideText(); }

void QtChartPanel::attach(QAbstractSeries* series, QAbstractAxis* x, QAbstractAxis* y) {
  chart_->addSeries(series);
  series->attachAxis(x);
  series->attachAxis(y);
}

void QtChartPanel::fitAxis(QValueAxis* axis, double lo, double hi, bool fromZero) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return;
  if (fromZero) lo = std::min(0.0, lo);
  if (hi <= lo) {
    const double pad = std::max(std::abs(hi) * 0.05, 1e-9);
    lo -= pad;
    hi += pad;
  } else {
    const double pad = (hi - lo) * 0.04;
    if (!(fromZero && lo == 0)) lo -= pad;
    hi += pad;
  }
  axis->setRange(lo, hi);
  axis->applyNiceNumbers();
  // Enough decimals to tell neighbouring ticks apart, and no more.
  const double step = (axis->max() - axis->min()) / std::max(1, axis->tickCount() - 1);
  const int decimals = step > 0 ? std::clamp(int(std::ceil(-std::log10(step) - 1e-9)), 0, 6) : 0;
  axis->setLabelFormat(QString("%.%1f").arg(decimals));
}

void QtChartPanel::paint(QPainter& painter, QSize size) {
  // The chart is laid out again at the export size and put back afterwards; both happen
  // synchronously, so the on-screen view never paints the intermediate state.
  const bool wasDark = dark_;
  if (wasDark) applyTheme(false);
  const QSizeF old = chart_->size();
  chart_->resize(size);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setRenderHint(QPainter::TextAntialiasing);
  chart_->scene()->render(&painter, QRectF(QPointF(0, 0), size), QRectF(chart_->pos(), QSizeF(size)));
  chart_->resize(old);
  if (wasDark) applyTheme(true);
}

QImage QtChartPanel::renderImage(QSize size, qreal scale) {
  return renderChartImage(size, scale, [&](QPainter& p) { paint(p, size); });
}

QByteArray QtChartPanel::renderSvg(QSize size) {
  return renderChartSvg(size, title_, [&](QPainter& p) { paint(p, size); });
}

}  // namespace aqui
