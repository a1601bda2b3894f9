#pragma once
// The schemes ArrowQuant can write, in one table: every front end, the plan, the formats and the
// kernels ask it instead of restating "2, 3, 4 or 8". A scheme's planes (codes, scales, zero
// points) describe its packed layout, so writers and readers loop over planes instead of naming
// them. New schemes (GGUF's block types) become new rows.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quant/scheme.h"
#include "tensor/dtype.h"
#include "util/result.h"

namespace aq {

/// One row of the table: a packed integer width and how it is stored.
struct SchemeTraits {
  std::string_view name;  // "int4": what users type after --bits and see in reports
  int bits;               // code width
  /// Packs `n` codes (each < 2^bits) densely, little-endian bit order (docs/FORMAT.md), and back.
  void (*pack)(const uint8_t* codes, int64_t n, uint8_t* out);
  void (*unpack)(const uint8_t* packed, int64_t n, uint8_t* codes);
};

/// Group sizes a scheme accepts: 0 (one group per row) or kMinGroupSize..kMaxGroupSize.
inline constexpr int kMinGroupSize = 8;
inline constexpr int kMaxGroupSize = 1 << 24;

/// Every row, narrowest first.
std::span<const SchemeTraits> scheme_table();
/// The row for a code width, or null.
const SchemeTraits* find_scheme(int bits);
/// "2, 3, 4 or 8": for help texts and messages.
std::string supported_bits_text();
/// "4" or "int4" (any case) to a supported width; nullopt otherwise.
std::optional<int> parse_bits(std::string_view text);

/// The one check of a scheme every entry point makes (the job, the plan's user rules, both front
/// ends, the formats, the histograms): a width in the table and a valid group size. The Error's
/// reason says what is wrong and what is allowed.
Status validate(const QuantScheme& scheme);

/// One stored piece of a packed tensor: a [rows, per_row] matrix of `dtype`.
struct Plane {
  std::string_view suffix;  // ".aq_codes", ".aq_scales", ".aq_zeros" (docs/FORMAT.md)
  std::string_view role;    // "codes", "scales", "zeros": the HDF5 dataset names
  DType dtype;
  int64_t rows = 0;
  int64_t per_row = 0;      // elements of dtype per row
  uint64_t bytes() const { return uint64_t(rows) * uint64_t(per_row) * dtype_size(dtype); }
};

/// The planes a tensor packed with `scheme` is stored as, in file order.
std::vector<Plane> packed_planes(const PackedLayout& layout, const QuantScheme& scheme);

}  // namespace aq
