#include "ui/charts/bucket_heat_map_painter.h"

#include <QFontMetricsF>
#include <QLinearGradient>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "ui/charts/bucket_heat_map_data.h"
#include "ui/charts/colour_scale.h"
#include "ui/util/format.h"

namespace aqui {

HeatMapLook HeatMapLook::light() {
  return {Qt::white, QColor(0x20, 0x22, 0x26), QColor(0x5f, 0x63, 0x6b), QColor(0xb8, 0xbc, 0xc4),
          QColor(0xc4, 0xc4, 0xc4)};
}

HeatMapLook HeatMapLook::dark() {
  // Close to Qt Charts' dark theme, so the heat map sits well beside the other charts.
  return {QColor(0x2b, 0x2e, 0x35), QColor(0xe6, 0xe8, 0xec), QColor(0xa8, 0xad, 0xb8), QColor(0x55, 0x59, 0x62),
          QColor(0x6e, 0x71, 0x78)};
}

bool HeatMapGeometry::cellAt(QPointF p, int& layer, int& bucket) const {
  if (grid.isEmpty() || layers <= 0 || buckets <= 0 || !grid.contains(p)) return false;
  layer = std::clamp(int((p.x() - grid.left()) / grid.width() * layers), 0, layers - 1);
  bucket = std::clamp(int((grid.bottom() - p.y()) / grid.height() * buckets), 0, buckets - 1);
  return true;
}

namespace {

// The smallest of 1, 2, 5, 10, 20, 50, ... at least `n`: label every k-th row or column.
int roundStep(double n) {
  int step = 1;
  for (int mag = 1;; mag *= 10)
    for (int m : {1, 2, 5}) {
      step = m * mag;
      if (step >= n || step > 1'000'000) return step;
    }
}

// Text reading upwards, centred on `centre`: the first of `texts` that fits in `length`, else
// the last one shortened.
void drawRotated(QPainter& p, QPointF centre, const QStringList& texts, double length) {
  p.save();
  p.translate(centre);
  p.rotate(-90);
  const QFontMetricsF fm(p.font());
  QString text = fm.elidedText(texts.back(), Qt::ElideRight, length);
  for (const QString& t : texts)
    if (fm.horizontalAdvance(t) <= length) {
      text = t;
      break;
    }
  p.drawText(QPointF(-fm.horizontalAdvance(text) / 2, fm.ascent() / 2 - fm.descent() / 2), text);
  p.restore();
}

}  // namespace

HeatMapGeometry paintBucketHeatMap(QPainter& p, const QRectF& area, const BucketHeatMapData& data,
                                   const std::vector<int64_t>& edges, const QString& title,
                                   const QString& placeholder, const HeatMapLook& look, const QFont& font) {
  HeatMapGeometry g;
  p.save();
  p.fillRect(area, look.background);
  p.setRenderHint(QPainter::TextAntialiasing);

  QFont titleFont = font;
  titleFont.setPointSizeF(10);
  titleFont.setBold(true);
  QFont labelFont = font;
  labelFont.setPointSizeF(8);
  const QFontMetricsF tf(titleFont), lf(labelFont);

  QRectF r = area.adjusted(6, 6, -6, -6);
  p.setPen(look.text);
  p.setFont(titleFont);
  p.drawText(QRectF(r.left(), r.top(), r.width(), tf.height()), Qt::AlignCenter,
             tf.elidedText(title, Qt::ElideRight, r.width()));
  r.setTop(r.top() + tf.height() + 6);
  p.setFont(labelFont);

  const int L = data.layerCount(), B = data.bucketCount();
  if (L == 0 || B == 0) {
    p.setPen(look.muted);
    p.drawText(r, Qt::AlignCenter | Qt::TextWordWrap, placeholder);
    p.restore();
    return g;
  }

  // Vertical layout first: the colour bar's ticks depend on its height.
  const double bottomH = lf.height() + 4 + lf.height() + 2;  // tick labels, axis title
  const double gridTop = r.top() + lf.height() / 2;          // room for the top row's label
  const double gridBottom = r.bottom() - bottomH;
  if (gridBottom - gridTop < 10) {
    p.restore();
    return g;
  }
  auto [lo, hi] = data.range();
  if (std::isnan(lo)) lo = hi = 0;  // only empty buckets and exact layers: any scale will do
  const ScaleTicks scale = niceScale(lo, hi, std::clamp(int((gridBottom - gridTop) / (lf.height() * 1.8)), 2, 8));
  double tickW = 0;
  for (double t : scale.ticks) tickW = std::max(tickW, lf.horizontalAdvance(QString::number(t, 'f', scale.decimals)));
  const double barW = 12;
  const QString missingText = "no data";
  const double missingW = 14 + lf.horizontalAdvance(missingText);
  const double rightW = std::max(10 + barW + 4 + tickW + 6 + lf.height(), 10 + missingW);

  QStringList bucketLabels;
  double bucketW = 0;
  for (int b = 0; b < B; ++b) {
    bucketLabels << formatBucket(edges, b);
    bucketW = std::max(bucketW, lf.horizontalAdvance(bucketLabels.back()));
  }
  const double leftW = lf.height() + 4 + bucketW + 6;
  g.grid = QRectF(r.left() + leftW, gridTop, r.width() - leftW - rightW, gridBottom - gridTop);
  g.layers = L;
  g.buckets = B;
  if (g.grid.width() < 10) {
    g.grid = QRectF();
    p.restore();
    return g;
  }
  const QRectF& grid = g.grid;
  const double cw = grid.width() / L, ch = grid.height() / B;

  // Cells, on whole pixels so that neighbours meet without seams; a hairline gap when they are
  // big enough to read one by one.
  const double gap = cw >= 8 && ch >= 8 ? 1 : 0;
  const double span = scale.hi - scale.lo;
  for (int i = 0; i < L; ++i) {
    const double x0 = std::round(grid.left() + i * cw), x1 = std::round(grid.left() + (i + 1) * cw);
    for (int b = 0; b < B; ++b) {
      const double y0 = std::round(grid.bottom() - (b + 1) * ch), y1 = std::round(grid.bottom() - b * ch);
      const double v = data.db(i, b);
      const QColor c = std::isnan(v) ? look.missing : std::isinf(v) ? viridis(1) : viridis((v - scale.lo) / span);
      p.fillRect(QRectF(x0, y0, x1 - x0 - gap, y1 - y0 - gap), c);
    }
  }

  // Layer axis: tensor numbers as on the accuracy chart, as many as fit.
  p.setPen(look.text);
  double indexW = 0;
  for (int i = 0; i < L; ++i) indexW = std::max(indexW, lf.horizontalAdvance(QString::number(data.layer(i).index)));
  const int xStep = roundStep((indexW + 8) / cw);
  for (int i = 0; i < L; i += xStep) {
    const double x = grid.left() + (i + 0.5) * cw;
    p.setPen(look.frame);
    p.drawLine(QPointF(x, grid.bottom()), QPointF(x, grid.bottom() + 3));
    p.setPen(look.text);
    const QString s = QString::number(data.layer(i).index);
    p.drawText(QPointF(x - lf.horizontalAdvance(s) / 2, grid.bottom() + 4 + lf.ascent()), s);
  }
  p.setPen(look.muted);
  const QString xTitle = "tensor # (model order)";
  p.drawText(QRectF(grid.left(), grid.bottom() + 4 + lf.height() + 2, grid.width(), lf.height()), Qt::AlignCenter,
             lf.elidedText(xTitle, Qt::ElideRight, grid.width()));

  // Bucket axis: the timesteps when the file gives them.
  const int yStep = roundStep(lf.height() / ch);
  p.setPen(look.text);
  for (int b = 0; b < B; b += yStep) {
    const double y = grid.bottom() - (b + 0.5) * ch;
    p.drawText(QRectF(grid.left() - 6 - bucketW, y - lf.height() / 2, bucketW, lf.height()),
               Qt::AlignRight | Qt::AlignVCenter, bucketLabels[b]);
  }
  p.setPen(look.muted);
  const QStringList yTitles = edges.empty() ? QStringList{"timestep bucket", "bucket"} : QStringList{"timestep"};
  drawRotated(p, QPointF(r.left() + lf.height() / 2, grid.center().y()), yTitles, grid.height());

  // Colour bar with its scale, and the grey of empty buckets under it.
  const QRectF bar(grid.right() + 10, grid.top(), barW, grid.height());
  QLinearGradient grad(bar.bottomLeft(), bar.topLeft());
  for (int k = 0; k <= 10; ++k) grad.setColorAt(k / 10.0, viridis(k / 10.0));
  p.fillRect(bar, grad);
  p.setPen(look.frame);
  p.drawRect(bar);
  for (double t : scale.ticks) {
    const double y = bar.bottom() - (t - scale.lo) / span * bar.height();
    p.setPen(look.frame);
    p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 3, y));
    p.setPen(look.text);
    p.drawText(QRectF(bar.right() + 4, y - lf.height() / 2, tickW, lf.height()), Qt::AlignLeft | Qt::AlignVCenter,
               QString::number(t, 'f', scale.decimals));
  }
  p.setPen(look.muted);
  drawRotated(p, QPointF(bar.right() + 4 + tickW + 6 + lf.height() / 2, bar.center().y()),
              {"output SQNR (dB)", "SQNR (dB)", "dB"}, bar.height());
  if (data.hasMissing()) {
    const QRectF swatch(bar.left(), grid.bottom() + 4 + (lf.height() - 10) / 2, 10, 10);
    p.fillRect(swatch, look.missing);
    p.setPen(look.text);
    p.drawText(QPointF(swatch.right() + 4, grid.bottom() + 4 + lf.ascent()), missingText);
  }
  p.restore();
  return g;
}

}  // namespace aqui
