#pragma once
// Reads a calibration file's structure off the GUI thread (aq::CalibrationFile::open probes the
// untrusted file in a child process and, for files under 64 MB, reads every bucket once: up to a
// second or two). Only the latest request is delivered.
#include <QDateTime>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <cstdint>
#include <vector>

namespace aqui {

struct CalibrationSummary {
  QString path;
  QString error;                // the engine's message, naming the file; empty when valid
  int buckets = 0;
  int layers = 0;
  std::vector<int64_t> edges;   // bucket_edges, empty when the file has none
  // The file as it was when read: a summary of a file changed since then is stale.
  qint64 size = -1;
  QDateTime modified;

  bool ok() const { return error.isEmpty(); }
  /// "10 buckets (t 1–1000), 28 layers"; the error when not ok.
  QString text() const;
  /// True while the file on disk is the one that was read.
  bool current() const;
};

/// Opens `path` with the engine and summarises it (the work the inspector does in the pool).
CalibrationSummary inspectCalibrationFile(const QString& path);

class CalibrationInspector : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;

  void inspect(const QString& path);
  /// Forgets any request in flight (the file was cleared).
  void cancel() { ++generation_; busy_ = false; }
  bool busy() const { return busy_; }

 signals:
  void inspected(const aqui::CalibrationSummary& summary);

 private:
  quint64 generation_ = 0;
  bool busy_ = false;
};

}  // namespace aqui

Q_DECLARE_METATYPE(aqui::CalibrationSummary)
