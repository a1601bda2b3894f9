#pragma once
// A quantization scheme and the packed layout it gives a [rows, cols] tensor.
//
// Layout (docs/FORMAT.md is the authority):
//  - each row is cut into groups of `group_size` consecutive elements; the last group of a row is
//    shorter when cols is not a multiple of the group size. group_size 0 means one group per row.
//  - codes are unsigned b-bit integers, packed densely per row, little-endian bit order: element j
//    of a row occupies bits [j*b, j*b+b) of the row's bytes, bit k of the row lives in byte k/8 at
//    bit position k%8. Each row starts on a byte boundary (at most 7 padding bits, zero, per row).
//  - scales and zero points are fp16, one per group, shape [rows, groups_per_row].
//  - dequantized value = scale * (code - zero). Symmetric schemes store no zeros: zero = 2^(b-1).
//    Asymmetric zero points are integers in [0, 2^b - 1] (exact in fp16).
#include <cstdint>
#include <string>
#include <string_view>
#include <optional>

namespace aq {

enum class Method {
  MinMax,  // round to nearest on the group's [min, max] range (0 always included)
  Search,  // try shrunken ranges on a grid; keep the one with the least squared error
};
std::string_view method_name(Method m);  // "minmax", "search"
std::optional<Method> method_from_name(std::string_view name);

struct QuantScheme {
  int bits = 4;          // 2, 3, 4 or 8
  int group_size = 64;   // >= 8, or 0 for a whole row (per-channel)
  bool symmetric = false;
  Method method = Method::Search;
  /// A ggml block type id (gguf/ggml_types.h) for GGUF output, or -1 for ArrowQuant's packed
  /// integers. A ggml type fixes the whole layout: bits, group_size and symmetric then describe
  /// nothing that is stored.
  int ggml_type = -1;

  bool is_ggml() const { return ggml_type >= 0; }
  int levels() const { return 1 << bits; }
  int max_code() const { return (1 << bits) - 1; }
  /// "INT4 g64 asym search" / "INT8 channel sym minmax" / "q4_k"
  std::string describe() const;
  bool operator==(const QuantScheme&) const = default;
};

/// Byte sizes of one tensor packed with a scheme.
struct PackedLayout {
  int64_t rows = 0;
  int64_t cols = 0;
  int64_t group = 0;            // effective group length (cols for per-channel)
  int64_t groups_per_row = 0;   // ceil(cols / group)
  int64_t row_bytes = 0;        // ceil(cols * bits / 8)
  uint64_t codes_bytes = 0;     // rows * row_bytes
  uint64_t scales_bytes = 0;    // rows * groups_per_row * 2
  uint64_t zeros_bytes = 0;     // same as scales_bytes, or 0 if symmetric
  uint64_t total_bytes() const { return codes_bytes + scales_bytes + zeros_bytes; }
};

/// For a ggml type: one plane of rows x (cols / block) blocks; cols must be a multiple of the
/// type's block size (the plan sees to it), and group is the block size.
PackedLayout packed_layout(int64_t rows, int64_t cols, const QuantScheme& scheme);
/// The same for sizes read from a file: nullopt when rows or cols are negative or any size
/// overflows 64 bits.
std::optional<PackedLayout> checked_packed_layout(int64_t rows, int64_t cols, const QuantScheme& scheme);

}  // namespace aq
