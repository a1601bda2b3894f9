#pragma once
// A sequential colour scale for heat maps (viridis: perceptually even, readable by colour-blind
// viewers and in greyscale print), and round tick values for its legend.
#include <QColor>
#include <vector>

namespace aqui {

/// The colour at `t` in [0, 1] (clamped): dark purple at 0, yellow at 1.
QColor viridis(double t);

/// The range [lo, hi] widened to round values, and ticks inside it at a round step,
/// about `maxTicks` of them. A single value gets a range of ±1 around it.
struct ScaleTicks {
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  int decimals = 0;
};
ScaleTicks niceScale(double lo, double hi, int maxTicks);

}  // namespace aqui
