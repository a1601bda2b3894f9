#pragma once
// Offscreen drawing for exports, shared by every chart whatever draws it (Qt Charts or its own
// painting): a white 2x image, or an SVG document sized in pixels.
#include <QByteArray>
#include <QColor>
#include <QImage>
#include <QSize>
#include <QString>
#include <functional>

class QPainter;

namespace aqui {

using ChartPainter = std::function<void(QPainter&)>;

/// `paint` draws at `size` logical pixels onto an image of `scale` device pixels each, filled
/// with `background` first.
QImage renderChartImage(QSize size, qreal scale, const QColor& background, const ChartPainter& paint);
/// The page colour under an export: white, or the dark theme's background.
QColor exportBackground(bool dark);
/// The same drawing as an SVG document titled `title`.
QByteArray renderChartSvg(QSize size, const QString& title, const ChartPainter& paint);

}  // namespace aqui
