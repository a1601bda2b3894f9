#include "ui/charts/axis_fit.h"

#include <algorithm>
#include <cmath>

namespace aqui {

double niceStep(double span, int maxIntervals) {
  maxIntervals = std::max(2, maxIntervals);
  if (!(span > 0) || !std::isfinite(span)) return 1;
  const double raw = span / maxIntervals;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw * (1 - 1e-9)) return m * mag;
  return 10 * mag;
}

int stepDecimals(double step) {
  if (!(step > 0)) return 0;
  // 1, 2 or 5 x 10^n: the leading digit sits at 10^floor(log10(step)).
  return std::clamp(int(-std::floor(std::log10(step) + 1e-9)), 0, 12);
}

QString tickLabel(double value, int decimals) {
  QString s = QString::number(value, 'f', decimals);
  if (s.startsWith('-') && s.toDouble() == 0) s.remove(0, 1);
  return s;
}

int AxisFit::intervals() const { return step > 0 ? int(std::lround((hi - lo) / step)) : 0; }

std::vector<double> AxisFit::ticks() const {
  std::vector<double> t;
  const int n = intervals();
  for (int i = 0; i <= n; ++i) t.push_back(lo + i * step);
  return t;
}

AxisFit fitAxisRange(const AxisRequest& r) {
  double lo = r.lo, hi = r.hi;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  if (r.nonNegative) lo = std::max(lo, 0.0), hi = std::max(hi, 0.0);
  if (r.fromZero) lo = std::min(lo, 0.0);
  // Pad first: the nice rounding below must see the padded span, or it undoes the margin.
  if (hi <= lo) {
    const double pad = std::max(std::abs(hi) * 0.05, 1e-9);
    lo -= pad;
    hi += pad;
  } else {
    const double pad = (hi - lo) * r.pad;
    if (!(r.fromZero && lo == 0)) lo -= pad;
    hi += pad;
  }
  if (r.nonNegative) lo = std::max(lo, 0.0);
  AxisFit f;
  // Two intervals at least: a range across zero cannot round out to a single one.
  const int most = std::max(2, r.maxIntervals);
  f.step = niceStep(hi - lo, most);
  if (r.integer) f.step = std::max(f.step, 1.0);
  // Rounding out can add an interval at each end; take the next step until it fits.
  for (int guard = 0; guard < 8; ++guard) {
    f.lo = std::floor(lo / f.step + 1e-9) * f.step;
    f.hi = std::ceil(hi / f.step - 1e-9) * f.step;
    if (f.intervals() <= most) break;
    f.step = niceStep(f.step * 1.5 * most, most);
  }
  if (f.hi <= f.lo) f.hi = f.lo + f.step;
  if (r.nonNegative) f.lo = std::max(f.lo, 0.0);
  if (f.hi > r.atMost && r.atMost > f.lo) f.hi = r.atMost;
  // Snap away binary noise (0.30000000000000004), so labels and ticks agree.
  f.lo = std::round(f.lo / f.step) * f.step;
  f.hi = std::round(f.hi / f.step) * f.step;
  f.decimals = stepDecimals(f.step);
  return f;
}

int intervalsFor(double pixels, double labelPixels) {
  if (!(labelPixels > 0) || !(pixels > 0)) return 5;
  return std::clamp(int(pixels / labelPixels), 2, 10);
}

LogAxisFit fitLogRange(double lo, double hi, double floor) {
  LogAxisFit f;
  lo = std::max(lo, floor);
  hi = std::max(hi, lo);
  f.lo = std::pow(10.0, std::floor(std::log10(lo) + 1e-9));
  f.hi = std::pow(10.0, std::ceil(std::log10(hi) - 1e-9));
  if (f.hi <= f.lo) f.hi = f.lo * 10;
  // "%g" prints 1e-4 ... 1e5 plainly; the floor above keeps the low end there, and no
  // quantity of these charts (percentages) reaches 1e6.
  f.format = "%g";
  return f;
}

}  // namespace aqui
