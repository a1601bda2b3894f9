#include "ui/charts/chart_exporter.h"

#include <QBuffer>
#include <QDir>
#include <QSaveFile>

namespace aqui {

QByteArray ChartExporter::pngBytes(ChartPanel& chart, QSize size, qreal scale) {
  QByteArray bytes;
  QBuffer buf(&bytes);
  buf.open(QIODevice::WriteOnly);
  chart.renderImage(size, scale).save(&buf, "PNG");
  return bytes;
}

namespace {
QString writeAtomically(const QString& path, const QByteArray& bytes) {
  // QSaveFile: a failed or partial write never leaves a truncated file where the old one was.
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly)) return path + ": " + f.errorString();
  if (f.write(bytes) != bytes.size() || !f.commit()) return path + ": " + f.errorString();
  return {};
}
}  // namespace

QString ChartExporter::savePng(ChartPanel& chart, const QString& path, QSize size) {
  return writeAtomically(path, pngBytes(chart, size));
}

QString ChartExporter::saveSvg(ChartPanel& chart, const QString& path, QSize size) {
  return writeAtomically(path, chart.renderSvg(size));
}

QStringList ChartExporter::saveAll(const std::vector<ChartPanel*>& charts, const QString& dir,
                                   const QString& prefix, QString* error) {
  QStringList written;
  QDir d(dir);
  for (ChartPanel* c : charts) {
    const QString base = d.filePath(prefix.isEmpty() ? c->key() : prefix + "-" + c->key());
    for (const QString& ext : {QString(".png"), QString(".svg")}) {
      const QString err = ext == ".png" ? savePng(*c, base + ext) : saveSvg(*c, base + ext);
      if (!err.isEmpty()) {
        if (error) *error = err;
        return written;
      }
      written << base + ext;
    }
  }
  return written;
}

}  // namespace aqui
