#pragma once
// Axis ranges and ticks as plain numbers, without a chart: the range is padded first and then
// rounded out to a nice step (1, 2 or 5 x 10^n), and labels get exactly the decimals the step
// needs, so every tick label equals its tick's value. Unit-testable without a window.
#include <QString>
#include <vector>

namespace aqui {

/// The smallest step of the form 1, 2 or 5 x 10^n that divides `span` into at most
/// `maxIntervals` intervals (2 at least).
double niceStep(double span, int maxIntervals);
/// Decimals needed to print every multiple of `step` (a nice step) exactly.
int stepDecimals(double step);
/// `value` with `decimals` decimals; never "-0".
QString tickLabel(double value, int decimals);

struct AxisFit {
  double lo = 0, hi = 1;  // both multiples of step
  double step = 0.2;
  int decimals = 1;
  int intervals() const;
  std::vector<double> ticks() const;
};

struct AxisRequest {
  double lo = 0, hi = 1;     // the data
  bool fromZero = false;     // the axis starts at zero (or below, for negative data)
  bool nonNegative = false;  // a count, size, speed or index: the range never goes below zero
  bool integer = false;      // whole numbers only (tensor numbers): the step is at least 1
  int maxIntervals = 5;      // from the pixels available (see intervalsFor); 2 at least
  double pad = 0.04;         // margin on each side, as a fraction of the data's span
  double atMost = 1e300;     // the range never goes above (a cosine similarity: 1)
};

/// Pads the data range, then rounds it out to the nice step chosen for the padded span.
AxisFit fitAxisRange(const AxisRequest& r);

/// How many tick intervals fit `pixels` when each label needs `labelPixels`: 2 to 10.
int intervalsFor(double pixels, double labelPixels);

/// A log-10 axis: whole decades, with a printf label format that prints them plainly
/// ("0.01", "100", never "1e+02").
struct LogAxisFit {
  double lo = 0.1, hi = 100;
  QString format = "%g";
};
constexpr double kLogAxisFloor = 1e-4;
/// `lo` is raised to `floor` at least: "%g" stays plain down to kLogAxisFloor, and below it
/// prints powers of ten as "1e-05".
LogAxisFit fitLogRange(double lo, double hi, double floor = kLogAxisFloor);

}  // namespace aqui
