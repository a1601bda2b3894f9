#include "quant/scheme_traits.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "gguf/ggml_types.h"
#include "quant/bit_pack_swar.h"

namespace aq {
namespace {

void pack8(const uint8_t* codes, int64_t n, uint8_t* out) {
  if (n > 0) std::memcpy(out, codes, std::size_t(n));
}
void unpack8(const uint8_t* packed, int64_t n, uint8_t* codes) {
  if (n > 0) std::memcpy(codes, packed, std::size_t(n));
}
template <int B>
void pack_swar(const uint8_t* codes, int64_t n, uint8_t* out) {
  swar::pack<B>(codes, n, out);
}
template <int B>
void unpack_swar(const uint8_t* packed, int64_t n, uint8_t* codes) {
  swar::unpack<B>(packed, n, codes);
}

constexpr SchemeTraits kTable[] = {
    {"int2", 2, pack_swar<2>, unpack_swar<2>},
    {"int3", 3, pack_swar<3>, unpack_swar<3>},
    {"int4", 4, pack_swar<4>, unpack_swar<4>},
    {"int8", 8, pack8, unpack8},
};

}  // namespace

std::span<const SchemeTraits> scheme_table() { return kTable; }

const SchemeTraits* find_scheme(int bits) {
  for (const auto& t : kTable)
    if (t.bits == bits) return &t;
  return nullptr;
}

std::string supported_bits_text() {
  std::string out;
  const std::size_t n = std::size(kTable);
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += i + 1 == n ? " or " : ", ";
    out += std::to_string(kTable[i].bits);
  }
  return out;
}

std::optional<int> parse_bits(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  for (const auto& t : kTable)
    if (lower == t.name || lower == std::to_string(t.bits)) return t.bits;
  return std::nullopt;
}

Status validate(const QuantScheme& s) {
  if (s.is_ggml()) {
    const auto* t = gguf::find_type(gguf::GgmlType(s.ggml_type));
    if (!t || !t->quantize)
      return make_error(ErrorKind::BadArgument, "", "", "ggml type " + std::to_string(s.ggml_type) + " cannot be written");
    return {};
  }
  if (!find_scheme(s.bits))
    return make_error(ErrorKind::BadArgument, "", "",
                      "bits must be " + supported_bits_text() + ", not " + std::to_string(s.bits));
  if (s.group_size != 0 && (s.group_size < kMinGroupSize || s.group_size > kMaxGroupSize))
    return make_error(ErrorKind::BadArgument, "", "",
                      "group size must be a number from " + std::to_string(kMinGroupSize) + " to " +
                          std::to_string(kMaxGroupSize) + ", or per channel, not " + std::to_string(s.group_size));
  return {};
}

std::vector<Plane> packed_planes(const PackedLayout& l, const QuantScheme& s) {
  if (s.is_ggml()) return {{"", "data", DType::U8, l.rows, l.row_bytes}};  // the blocks, row after row
  std::vector<Plane> planes = {{".aq_codes", "codes", DType::U8, l.rows, l.row_bytes},
                               {".aq_scales", "scales", DType::F16, l.rows, l.groups_per_row}};
  if (!s.symmetric) planes.push_back({".aq_zeros", "zeros", DType::F16, l.rows, l.groups_per_row});
  return planes;
}

}  // namespace aq
