#include "ui/charts/chart_rendering.h"

#include <QBuffer>
#include <QPainter>
#include <QRegularExpression>
#include <QSvgGenerator>

namespace aqui {

QColor exportBackground(bool dark) { return dark ? QColor(0x2e, 0x30, 0x3a) : QColor(Qt::white); }

QImage renderChartImage(QSize size, qreal scale, const QColor& background, const ChartPainter& paint) {
  QImage img(size * scale, QImage::Format_ARGB32_Premultiplied);
  img.setDevicePixelRatio(scale);
  img.fill(background);
  QPainter p(&img);
  paint(p);
  p.end();
  return img;
}

QByteArray renderChartSvg(QSize size, const QString& title, const ChartPainter& paint) {
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  QSvgGenerator gen;
  gen.setOutputDevice(&buffer);
  gen.setSize(size);
  gen.setViewBox(QRect(QPoint(0, 0), size));
  gen.setTitle(title);
  gen.setDescription("ArrowQuant chart: " + title);
  QPainter p(&gen);
  paint(p);
  p.end();
  // QSvgGenerator states the size in millimetres; pixels keep the drawing at its intended size
  // in browsers and in QSvgRenderer alike.
  static const QRegularExpression mm(R"(<svg width="[0-9.]+mm" height="[0-9.]+mm")");
  const QString head = QString::fromUtf8(bytes.left(200));
  const auto m = mm.match(head);
  if (m.hasMatch())
    bytes.replace(m.capturedStart(), m.capturedLength(),
                  QString(R"(<svg width="%1" height="%2")").arg(size.width()).arg(size.height()).toUtf8());
  return bytes;
}

}  // namespace aqui
