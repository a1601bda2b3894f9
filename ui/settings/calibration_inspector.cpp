#include "ui/settings/calibration_inspector.h"

#include <QFileInfo>

#include "calib/calibration_file.h"
#include "ui/util/format.h"
#include "ui/util/post.h"

namespace aqui {
namespace {

void stamp(CalibrationSummary& s) {
  const QFileInfo fi(s.path);
  s.size = fi.exists() ? fi.size() : -1;
  s.modified = fi.exists() ? fi.lastModified() : QDateTime();
}

}  // namespace

QString CalibrationSummary::text() const {
  if (!ok()) return error;
  QString t = QString("%1 bucket%2").arg(buckets).arg(buckets == 1 ? "" : "s");
  if (edges.size() >= 2) t += QString(" (t %1–%2)").arg(edges.front()).arg(edges.back() - 1);
  t += QString(", %1 layer%2").arg(layers).arg(layers == 1 ? "" : "s");
  return t;
}

bool CalibrationSummary::current() const {
  const QFileInfo fi(path);
  if (!fi.exists()) return size < 0;
  return fi.size() == size && fi.lastModified() == modified;
}

CalibrationSummary inspectCalibrationFile(const QString& path) {
  CalibrationSummary s;
  s.path = path;
  stamp(s);  // before reading: a change while it is read makes the summary stale, never wrong
  auto file = aq::CalibrationFile::open(sstr(path));
  if (!file) {
    s.error = qstr(file.error().message());
    return s;
  }
  const aq::CalibrationFile& f = **file;
  s.buckets = f.buckets();
  s.layers = int(f.layer_count());
  s.edges = f.bucket_edges();
  return s;
}

void CalibrationInspector::inspect(const QString& path) {
  const quint64 gen = ++generation_;
  busy_ = true;
  runInPool(
      this, [path] { return inspectCalibrationFile(path); },
      [this, gen](CalibrationSummary s) {
        if (gen != generation_) return;
        busy_ = false;
        emit inspected(s);
      });
}

}  // namespace aqui
