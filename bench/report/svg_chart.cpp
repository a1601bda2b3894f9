#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace aqb::svg {
namespace {

const char* kPalette[] = {"#2f6fde", "#e4572e", "#29a36a", "#9b59b6", "#f0a202", "#17becf", "#7f7f7f", "#8c564b"};

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string num(double v) {
  char b[32];
  if (v == 0) return "0";
  const double a = std::fabs(v);
  if (a >= 1e9)
    std::snprintf(b, sizeof b, "%.3gG", v / 1e9);
  else if (a >= 1e6)
    std::snprintf(b, sizeof b, "%.3gM", v / 1e6);
  else if (a >= 1e5)
    std::snprintf(b, sizeof b, "%.3gk", v / 1e3);
  else if (a >= 1 && v == std::round(v))
    std::snprintf(b, sizeof b, "%.0f", v);
  else if (a < 1e-3)
    std::snprintf(b, sizeof b, "%.0e", v);
  else
    std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

std::string f1(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

struct Scale {
  double lo = 0, hi = 1;
  bool log = false;
  double a0 = 0, a1 = 1;  // pixel range
  double operator()(double v) const {
    double t;
    if (log) {
      v = std::max(v, 1e-300);
      t = (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    } else {
      t = (v - lo) / (hi - lo);
    }
    return a0 + t * (a1 - a0);
  }
};

double nice_step(double range, int target) {
  const double raw = range / std::max(1, target);
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

void fit(Scale& s, double lo, double hi, const Axis& axis, std::vector<double>& ticks) {
  if (!(lo <= hi)) lo = 0, hi = 1;
  if (axis.log) {
    lo = std::max(lo, 1e-12);
    hi = std::max(hi, lo * 1.0001);
    s.lo = axis.min ? *axis.min : std::pow(10.0, std::floor(std::log10(lo)));
    s.hi = axis.max ? *axis.max : std::pow(10.0, std::ceil(std::log10(hi)));
    if (s.hi <= s.lo) s.hi = s.lo * 10;
    s.log = true;
    const double decades = std::log10(s.hi / s.lo);
    for (double d = std::pow(10.0, std::floor(std::log10(s.lo))); d <= s.hi * 1.0001; d *= 10)
      for (double m : {1.0, 2.0, 5.0}) {
        if (decades > 3 && m != 1.0) continue;
        const double t = d * m;
        if (t >= s.lo * 0.9999 && t <= s.hi * 1.0001) ticks.push_back(t);
      }
    return;
  }
  if (hi == lo) hi = lo + 1;
  const double step = nice_step(hi - lo, 6);
  s.lo = axis.min ? *axis.min : std::floor(lo / step) * step;
  s.hi = axis.max ? *axis.max : std::ceil(hi / step) * step;
  const double st = nice_step(s.hi - s.lo, 6);
  for (double t = std::ceil(s.lo / st) * st; t <= s.hi + st * 1e-6; t += st) ticks.push_back(std::fabs(t) < st * 1e-9 ? 0 : t);
}

}  // namespace

std::string render(const Chart& c) {
  const bool categorical = !c.x.categories.empty();
  const double left = 72, right = c.legend_width, top = 40;
  const bool rotate = categorical && c.x.categories.size() > 7;
  const double bottom = rotate ? 110 : 60;
  const double W = c.width, H = c.height;
  const double px0 = left, px1 = W - right, py0 = H - bottom, py1 = top;

  // Data ranges.
  double ylo = std::numeric_limits<double>::infinity(), yhi = -ylo, xlo = ylo, xhi = -ylo;
  bool bars = false;
  for (const auto& s : c.series) {
    if (s.style == Style::Bars) bars = true;
    for (double v : s.y)
      if (std::isfinite(v) && (!c.y.log || v > 0)) ylo = std::min(ylo, v), yhi = std::max(yhi, v);
    for (const auto& b : s.boxes)
      for (double v : b)
        if (std::isfinite(v) && (!c.y.log || v > 0)) ylo = std::min(ylo, v), yhi = std::max(yhi, v);
    for (double v : s.x)
      if (std::isfinite(v)) xlo = std::min(xlo, v), xhi = std::max(xhi, v);
  }
  for (const auto& [v, _] : c.hlines) ylo = std::min(ylo, v), yhi = std::max(yhi, v);
  if (bars && !c.y.log) ylo = std::min(ylo, 0.0);
  if (!std::isfinite(ylo)) ylo = 0, yhi = 1;

  Scale ys;
  ys.a0 = py0;
  ys.a1 = py1;
  std::vector<double> yticks;
  fit(ys, ylo, yhi, c.y, yticks);

  Scale xs;
  xs.a0 = px0;
  xs.a1 = px1;
  std::vector<double> xticks;
  const std::size_t ncat = c.x.categories.size();
  const double band = categorical ? (px1 - px0) / double(ncat) : 0;
  if (!categorical) {
    if (!std::isfinite(xlo)) xlo = 0, xhi = 1;
    if (!c.x.log && xlo == xhi) xlo -= 1, xhi += 1;
    fit(xs, xlo, xhi, c.x, xticks);
  }
  auto xpos = [&](double x) { return categorical ? px0 + band * (x + 0.5) : xs(x); };

  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H << "\" viewBox=\"0 0 " << W
    << " " << H << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << W / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" << esc(c.title)
    << "</text>\n";
  // Grid and y ticks.
  for (double t : yticks) {
    const double y = ys(t);
    o << "<line x1=\"" << px0 << "\" x2=\"" << px1 << "\" y1=\"" << f1(y) << "\" y2=\"" << f1(y)
      << "\" stroke=\"#e3e7ee\"/>\n";
    o << "<text x=\"" << px0 - 6 << "\" y=\"" << f1(y + 4) << "\" text-anchor=\"end\">" << num(t) << "</text>\n";
  }
  if (categorical) {
    for (std::size_t i = 0; i < ncat; ++i) {
      const double x = xpos(double(i));
      if (rotate)
        o << "<text transform=\"translate(" << f1(x + 4) << "," << f1(py0 + 12) << ") rotate(-35)\" text-anchor=\"end\">"
          << esc(c.x.categories[i]) << "</text>\n";
      else
        o << "<text x=\"" << f1(x) << "\" y=\"" << f1(py0 + 18) << "\" text-anchor=\"middle\">" << esc(c.x.categories[i])
          << "</text>\n";
    }
  } else {
    for (double t : xticks) {
      const double x = xs(t);
      o << "<line x1=\"" << f1(x) << "\" x2=\"" << f1(x) << "\" y1=\"" << py0 << "\" y2=\"" << py1
        << "\" stroke=\"#eef1f5\"/>\n";
      o << "<text x=\"" << f1(x) << "\" y=\"" << f1(py0 + 18) << "\" text-anchor=\"middle\">" << num(t) << "</text>\n";
    }
  }
  o << "<rect x=\"" << px0 << "\" y=\"" << py1 << "\" width=\"" << px1 - px0 << "\" height=\"" << py0 - py1
    << "\" fill=\"none\" stroke=\"#8a94a6\"/>\n";
  o << "<text x=\"" << (px0 + px1) / 2 << "\" y=\"" << H - 12 << "\" text-anchor=\"middle\">" << esc(c.x.label) << "</text>\n";
  o << "<text transform=\"translate(18," << (py0 + py1) / 2 << ") rotate(-90)\" text-anchor=\"middle\">" << esc(c.y.label)
    << "</text>\n";

  // Series.
  std::size_t nbars = 0, nboxes = 0;
  for (const auto& s : c.series) {
    if (s.style == Style::Bars) ++nbars;
    if (s.style == Style::Box) ++nboxes;
  }
  std::size_t bar_i = 0, box_i = 0;
  const double base = c.y.log ? ys.lo : 0.0;
  for (std::size_t si = 0; si < c.series.size(); ++si) {
    const Series& s = c.series[si];
    const std::string color = s.color.empty() ? kPalette[si % std::size(kPalette)] : s.color;
    const std::string dash = s.dashed ? " stroke-dasharray=\"6 4\"" : "";
    if (s.style == Style::Bars) {
      const double w = band * 0.8 / double(std::max<std::size_t>(1, nbars));
      for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
        if (!std::isfinite(s.y[i])) continue;
        const double x = px0 + band * s.x[i] + band * 0.1 + w * double(bar_i);
        const double y0 = ys(base), y1 = ys(std::max(s.y[i], c.y.log ? ys.lo : -1e300));
        o << "<rect x=\"" << f1(x) << "\" y=\"" << f1(std::min(y0, y1)) << "\" width=\"" << f1(w * 0.92) << "\" height=\""
          << f1(std::fabs(y0 - y1)) << "\" fill=\"" << color << "\"><title>" << esc(s.name) << ": " << num(s.y[i])
          << "</title></rect>\n";
      }
      ++bar_i;
    } else if (s.style == Style::Box) {
      const double w = band * 0.7 / double(std::max<std::size_t>(1, nboxes));
      for (std::size_t i = 0; i < s.x.size() && i < s.boxes.size(); ++i) {
        const auto& b = s.boxes[i];
        if (!std::isfinite(b[2])) continue;
        const double x = px0 + band * s.x[i] + band * 0.15 + w * double(box_i), xm = x + w * 0.45;
        o << "<line x1=\"" << f1(xm) << "\" x2=\"" << f1(xm) << "\" y1=\"" << f1(ys(b[0])) << "\" y2=\"" << f1(ys(b[4]))
          << "\" stroke=\"" << color << "\"/>\n";
        o << "<rect x=\"" << f1(x) << "\" y=\"" << f1(ys(b[3])) << "\" width=\"" << f1(w * 0.9) << "\" height=\""
          << f1(std::max(1.0, ys(b[1]) - ys(b[3]))) << "\" fill=\"" << color << "\" fill-opacity=\"0.35\" stroke=\"" << color
          << "\"><title>" << esc(s.name) << ": min " << num(b[0]) << ", median " << num(b[2]) << ", max " << num(b[4])
          << "</title></rect>\n";
        o << "<line x1=\"" << f1(x) << "\" x2=\"" << f1(x + w * 0.9) << "\" y1=\"" << f1(ys(b[2])) << "\" y2=\""
          << f1(ys(b[2])) << "\" stroke=\"" << color << "\" stroke-width=\"2\"/>\n";
      }
      ++box_i;
    } else {
      std::vector<std::pair<double, double>> pts;
      for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
        if (std::isfinite(s.y[i]) && (!c.y.log || s.y[i] > 0)) pts.emplace_back(xpos(s.x[i]), ys(s.y[i]));
      if (s.style == Style::Line && pts.size() > 1) {
        o << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\"" << dash << " points=\"";
        for (const auto& [x, y] : pts) o << f1(x) << "," << f1(y) << " ";
        o << "\"/>\n";
      }
      const double r = s.style == Style::Points ? 4.5 : (pts.size() > 60 ? 0 : 3);
      if (r > 0)
        for (std::size_t i = 0; i < pts.size(); ++i)
          o << "<circle cx=\"" << f1(pts[i].first) << "\" cy=\"" << f1(pts[i].second) << "\" r=\"" << r << "\" fill=\""
            << color << "\"/>\n";
    }
  }
  for (const auto& [v, label] : c.hlines) {
    const double y = ys(v);
    o << "<line x1=\"" << px0 << "\" x2=\"" << px1 << "\" y1=\"" << f1(y) << "\" y2=\"" << f1(y)
      << "\" stroke=\"#b03030\" stroke-dasharray=\"5 4\"/>\n";
    o << "<text x=\"" << px1 - 4 << "\" y=\"" << f1(y - 4) << "\" text-anchor=\"end\" fill=\"#b03030\">" << esc(label)
      << "</text>\n";
  }
  // Legend.
  double ly = top + 8;
  for (std::size_t si = 0; si < c.series.size(); ++si) {
    const Series& s = c.series[si];
    if (s.name.empty()) continue;
    const std::string color = s.color.empty() ? kPalette[si % std::size(kPalette)] : s.color;
    if (s.style == Style::Line)
      o << "<line x1=\"" << px1 + 12 << "\" x2=\"" << px1 + 34 << "\" y1=\"" << ly << "\" y2=\"" << ly << "\" stroke=\""
        << color << "\" stroke-width=\"2\"" << (s.dashed ? " stroke-dasharray=\"6 4\"" : "") << "/>\n";
    else
      o << "<rect x=\"" << px1 + 16 << "\" y=\"" << ly - 6 << "\" width=\"12\" height=\"12\" fill=\"" << color << "\"/>\n";
    o << "<text x=\"" << px1 + 40 << "\" y=\"" << ly + 4 << "\">" << esc(s.name) << "</text>\n";
    ly += 20;
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace aqb::svg
