#include "ui/util/format.h"

#include <cmath>

#include "report/run_report.h"

namespace aqui {

QString qstr(const std::string& s) { return QString::fromStdString(s); }
std::string sstr(const QString& s) { return s.toStdString(); }

QString formatBytes(uint64_t bytes) { return qstr(aq::format_mb(bytes)); }
QString formatMiB(uint64_t bytes) { return qstr(aq::format_mib(bytes)); }

QString formatParams(int64_t p) {
  if (p >= 1'000'000'000) return QString::number(double(p) / 1e9, 'f', 2) + " B";
  if (p >= 1'000'000) return QString::number(double(p) / 1e6, 'f', 1) + " M";
  if (p >= 10'000) return QString::number(double(p) / 1e3, 'f', 1) + " k";
  return QString::number(p);
}

QString formatSeconds(double s) {
  if (!std::isfinite(s) || s < 0) return "–";
  if (s < 10) return QString::number(s, 'f', 2) + " s";
  if (s < 60) return QString::number(s, 'f', 1) + " s";
  const int total = int(std::lround(s));
  return QString("%1 min %2 s").arg(total / 60).arg(total % 60, 2, 10, QChar('0'));
}

QString formatDb(double db) {
  if (std::isinf(db) && db > 0) return "exact";
  if (!std::isfinite(db)) return "–";
  return QString::number(db, 'f', 2) + " dB";
}

QString formatCosine(double c) { return std::isfinite(c) ? QString::number(c, 'f', 6) : "–"; }

QString formatPercent(double f) {
  return std::isfinite(f) ? QString::number(100.0 * f, 'f', 3) + " %" : "–";
}

QString formatBucket(const std::vector<int64_t>& edges, int b) {
  if (b < 0 || std::size_t(b) + 1 >= edges.size()) return QString("bucket %1").arg(b);
  const int64_t lo = edges[std::size_t(b)], hi = edges[std::size_t(b) + 1] - 1;
  return lo == hi ? QString("t %1").arg(lo) : QString("t %1–%2").arg(lo).arg(hi);
}

}  // namespace aqui
