#include "quant/scheme.h"

#include "gguf/ggml_types.h"

namespace aq {

std::string_view method_name(Method m) { return m == Method::MinMax ? "minmax" : "search"; }

std::optional<Method> method_from_name(std::string_view name) {
  if (name == "minmax") return Method::MinMax;
  if (name == "search") return Method::Search;
  return std::nullopt;
}

std::string QuantScheme::describe() const {
  if (is_ggml()) {
    const auto* t = gguf::find_type(gguf::GgmlType(ggml_type));
    return t ? std::string(t->name) : "ggml type " + std::to_string(ggml_type);
  }
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
  if (scheme.is_ggml()) {
    const auto* t = gguf::find_type(gguf::GgmlType(scheme.ggml_type));
    if (!t) return l;
    l.group = t->block_size;
    l.row_bytes = int64_t(gguf::row_bytes(*t, cols));
    l.codes_bytes = uint64_t(rows) * uint64_t(l.row_bytes);
    return l;
  }
  l.group = (scheme.group_size == 0 || scheme.group_size > cols) ? cols : scheme.group_size;
  l.groups_per_row = l.group == 0 ? 0 : (cols + l.group - 1) / l.group;
  l.row_bytes = (cols * scheme.bits + 7) / 8;
  l.codes_bytes = uint64_t(rows) * uint64_t(l.row_bytes);
  l.scales_bytes = uint64_t(rows) * uint64_t(l.groups_per_row) * 2;
  l.zeros_bytes = scheme.symmetric ? 0 : l.scales_bytes;
  return l;
}

std::optional<PackedLayout> checked_packed_layout(int64_t rows, int64_t cols, const QuantScheme& scheme) {
  if (rows < 0 || cols < 0 || scheme.bits <= 0 || scheme.group_size < 0) return std::nullopt;
  if (scheme.is_ggml()) {
    const auto* t = gguf::find_type(gguf::GgmlType(scheme.ggml_type));
    int64_t row = 0, total = 0;
    if (!t || cols % t->block_size != 0 || __builtin_mul_overflow(cols / t->block_size, int64_t(t->type_size), &row) ||
        __builtin_mul_overflow(rows, row, &total))
      return std::nullopt;
    return packed_layout(rows, cols, scheme);
  }
  int64_t bits = 0, rows_x_row_bytes = 0, rows_x_groups = 0, scale_bytes = 0;
  if (__builtin_mul_overflow(cols, int64_t(scheme.bits), &bits) || bits > INT64_MAX - 7) return std::nullopt;
  PackedLayout l = packed_layout(rows, cols, scheme);
  if (__builtin_mul_overflow(rows, l.row_bytes, &rows_x_row_bytes) ||
      __builtin_mul_overflow(rows, l.groups_per_row, &rows_x_groups) ||
      __builtin_mul_overflow(rows_x_groups, int64_t(2), &scale_bytes))
    return std::nullopt;
  uint64_t total = 0;
  if (__builtin_add_overflow(l.codes_bytes, 2 * l.scales_bytes, &total)) return std::nullopt;
  return l;
}

}  // namespace aq
