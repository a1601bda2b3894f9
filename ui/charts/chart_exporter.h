#pragma once
// Charts to files: PNG (2x, for screens and documents) and SVG (vector, for papers).
#include <QSize>
#include <QString>
#include <QStringList>
#include <vector>

#include "ui/charts/chart_panel.h"

namespace aqui {

class ChartExporter {
 public:
  /// Empty on success, else what went wrong.
  static QString savePng(ChartPanel& chart, const QString& path, QSize size = ChartPanel::kExportSize);
  static QString saveSvg(ChartPanel& chart, const QString& path, QSize size = ChartPanel::kExportSize);
  /// Writes DIR/PREFIX-KEY.png and .svg for every chart; returns the files written, or sets
  /// `error` and stops at the first failure.
  static QStringList saveAll(const std::vector<ChartPanel*>& charts, const QString& dir,
                             const QString& prefix, QString* error);
  /// The PNG bytes of a chart, for embedding in reports.
  static QByteArray pngBytes(ChartPanel& chart, QSize size = ChartPanel::kExportSize, qreal scale = 2.0);
};

}  // namespace aqui
