#pragma once
// Minimal SVG charts for the benchmark report: lines, points, grouped bars and box plots on
// linear or log axes. Plain strings out; the report writer (core/report) embeds them.
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace aqb::svg {

enum class Style { Line, Points, Bars, Box };

struct Series {
  std::string name;
  Style style = Style::Line;
  std::vector<double> x;  // numeric x, or category index when the x axis has categories
  std::vector<double> y;
  std::vector<std::array<double, 5>> boxes;  // Style::Box: min, q1, median, q3, max per x
  std::string color;                         // empty: from the palette
  bool dashed = false;
};

inline Series make_series(std::string name, Style style) {
  Series s;
  s.name = std::move(name);
  s.style = style;
  return s;
}

struct Axis {
  std::string label;
  bool log = false;
  std::optional<double> min, max;
  std::vector<std::string> categories;  // non-empty: categorical axis (x only)
};

struct Chart {
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  std::vector<std::pair<double, std::string>> hlines;  // horizontal reference lines with labels
  int width = 900, height = 420;
  int legend_width = 290;  // right margin for the legend
};

std::string render(const Chart& chart);

}  // namespace aqb::svg
