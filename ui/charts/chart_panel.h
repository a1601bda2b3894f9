#pragma once
// The interface every chart of the application sits behind. Nothing here names a Qt Charts type:
// Qt Charts is deprecated after Qt 6.10, and a port to another plotting layer should only have
// to replace the classes of this folder, not their users.
//
// A chart is built from plain data (see each class), shows itself as a widget, and renders itself
// at any size without being on screen, which is what the exporters and the benchmark suite use.
#include <QByteArray>
#include <QImage>
#include <QSize>
#include <QString>
#include <QWidget>

namespace aqui {

class ChartPanel : public QWidget {
  Q_OBJECT
 public:
  using QWidget::QWidget;

  /// The size exports use unless told otherwise (16:9, readable at 100 %).
  static constexpr QSize kExportSize{960, 540};

  virtual QString title() const = 0;
  /// A stable, file-name-safe id: "memory", "accuracy", ...
  virtual QString key() const = 0;
  virtual void clear() = 0;
  virtual bool isEmpty() const = 0;
  /// Number of data points currently plotted (all series), for tests and the status line.
  virtual int pointCount() const = 0;

  /// The chart drawn at `size` logical pixels, `scale` device pixels per logical pixel, in the
  /// export theme: light unless setExportDark(true) (reports go into white documents; the Save
  /// button follows the on-screen theme). Does not disturb the on-screen view.
  virtual QImage renderImage(QSize size = kExportSize, qreal scale = 2.0) = 0;
  /// The same drawing as an SVG document.
  virtual QByteArray renderSvg(QSize size = kExportSize) = 0;

  virtual void setDarkTheme(bool dark) = 0;
  /// The on-screen theme.
  virtual bool darkTheme() const = 0;
  virtual void resetZoom() = 0;

  void setExportDark(bool dark) { exportDark_ = dark; }
  bool exportDark() const { return exportDark_; }

 private:
  bool exportDark_ = false;
};

}  // namespace aqui
