// libFuzzer target: the `arrowquant` JSON document of a packed file's __metadata__ ->
// aq::packed::parse_metadata. Input: the document's text (the `format` marker is set).
// An accepted document must give layouts that are what docs/FORMAT.md says, computed without
// overflow: 0 <= rows, 1 <= group <= cols, groups = ceil(cols / group), row_bytes =
// ceil(cols * bits / 8), codes = rows * row_bytes, scales = rows * groups * 2, all exact; and
// rows x cols is the shape's row view (rows = d0, cols = d1 * ... * dk; 0-D and 1-D: one row).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "io/packed_format.h"

namespace {
using u128 = unsigned __int128;
[[noreturn]] void fail(const std::string& name, const char* what) {
  std::fprintf(stderr, "tensor '%s': %s\n", name.c_str(), what);
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::map<std::string, std::string> meta = {
      {"format", "arrowquant"}, {"arrowquant", std::string(reinterpret_cast<const char*>(data), size)}};
  auto r = aq::packed::parse_metadata(meta, "fuzz.safetensors");
  if (!r.ok()) {
    if (r.error().reason.empty()) std::abort();
    return 0;
  }
  for (const auto& [name, t] : *r) {
    const aq::PackedLayout& l = t.layout;
    const int bits = t.scheme.bits;
    if (bits != 2 && bits != 3 && bits != 4 && bits != 8) fail(name, "bits not 2, 3, 4 or 8");
    if (l.rows < 0 || l.cols < 1 || l.group < 1 || l.group > l.cols) fail(name, "rows/cols/group out of range");
    const u128 groups = (u128(l.cols) + u128(l.group) - 1) / u128(l.group);
    const u128 row_bytes = (u128(l.cols) * u128(bits) + 7) / 8;
    if (u128(l.groups_per_row) != groups) fail(name, "groups_per_row wrong (overflow?)");
    if (u128(l.row_bytes) != row_bytes) fail(name, "row_bytes wrong: cols x bits overflowed");
    if (u128(l.codes_bytes) != u128(l.rows) * row_bytes) fail(name, "codes_bytes wrong: rows x row_bytes overflowed");
    if (u128(l.scales_bytes) != u128(l.rows) * groups * 2) fail(name, "scales_bytes wrong: overflowed");
    if (l.zeros_bytes != (t.scheme.symmetric ? 0 : l.scales_bytes)) fail(name, "zeros_bytes wrong");
    u128 rows = 1, cols = 1;
    for (std::size_t k = 0; k < t.shape.size(); ++k) {
      if (t.shape[k] < 0) fail(name, "negative shape dimension accepted");
      if (k == 0 && t.shape.size() > 1) rows = u128(t.shape[k]);
      else cols *= u128(t.shape[k]);
      if (cols > u128(INT64_MAX)) fail(name, "shape element count overflows");
    }
    if (rows != u128(l.rows) || cols != u128(l.cols)) fail(name, "rows x cols disagree with the shape");
  }
  return 0;
}
