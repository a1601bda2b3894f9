#include "quant/scheme.h"

namespace aq {

std::string_view method_name(Method m) { return m == Method::MinMax ? "minmax" : "search"; }

std::optional<Method> method_from_name(std::string_view name) {
  if (name == "minmax") return Method::MinMax;
  if (name == "search") return Method::Search;
  return std::nullopt;
}

std::string QuantScheme::describe() const {
  std::string s = "INT" + std::to_string(bits) + " ";
  s += group_size == 0 ? std::string("channel") : "g" + std::to_string(group_size);
  s += symmetric ? " sym " : " asym ";
  s += method_name(method);
  return s;
}

PackedLayout packed_layout(int64_t rows, int64_t cols, const QuantScheme& scheme) {
  PackedLayout l;
  l.rows = rows;
  l.cols = cols;
  l.group = (scheme.group_size == 0 || scheme.group_size > cols) ? cols : scheme.group_size;
  l.groups_per_row = l.group == 0 ? 0 : (cols + l.group - 1) / l.group;
  l.row_bytes = (cols * scheme.bits + 7) / 8;
  l.codes_bytes = uint64_t(rows) * uint64_t(l.row_bytes);
  l.scales_bytes = uint64_t(rows) * uint64_t(l.groups_per_row) * 2;
  l.zeros_bytes = scheme.symmetric ? 0 : l.scales_bytes;
  return l;
}

}  // namespace aq
