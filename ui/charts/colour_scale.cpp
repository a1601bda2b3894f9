#include "ui/charts/colour_scale.h"

#include <algorithm>
#include <cmath>

namespace aqui {

QColor viridis(double t) {
  // matplotlib's viridis at ten evenly spaced points; linear in between is indistinguishable.
  static const QColor kStops[] = {QColor(0x44, 0x01, 0x54), QColor(0x48, 0x28, 0x78), QColor(0x3e, 0x49, 0x89),
                                  QColor(0x31, 0x68, 0x8e), QColor(0x26, 0x82, 0x8e), QColor(0x1f, 0x9e, 0x89),
                                  QColor(0x35, 0xb7, 0x79), QColor(0x6e, 0xce, 0x58), QColor(0xb5, 0xde, 0x2b),
                                  QColor(0xfd, 0xe7, 0x25)};
  constexpr int n = int(std::size(kStops));
  if (!std::isfinite(t)) t = 0;
  const double x = std::clamp(t, 0.0, 1.0) * (n - 1);
  const int i = std::min(int(x), n - 2);
  const double f = x - i;
  const QColor& a = kStops[i];
  const QColor& b = kStops[i + 1];
  return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * f), float(a.greenF() + (b.greenF() - a.greenF()) * f),
                          float(a.blueF() + (b.blueF() - a.blueF()) * f));
}

ScaleTicks niceScale(double lo, double hi, int maxTicks) {
  ScaleTicks s;
  if (!std::isfinite(lo) || !std::isfinite(hi)) return s;
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  maxTicks = std::max(2, maxTicks);
  // The smallest step of 1, 2 or 5 times a power of ten that needs no more than maxTicks ticks.
  const double raw = (hi - lo) / (maxTicks - 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * mag;
  for (double m : {1.0, 2.0, 5.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  s.lo = std::floor(lo / step) * step;
  s.hi = std::ceil(hi / step) * step;
  for (double v = s.lo; v <= s.hi + step * 1e-6; v += step) s.ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  s.decimals = std::max(0, int(std::ceil(-std::log10(step) - 1e-9)));
  return s;
}

}  // namespace aqui
