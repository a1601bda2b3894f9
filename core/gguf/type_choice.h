#pragma once
// Which ggml type a tensor gets: the one asked for when its rows divide into the type's blocks,
// else the nearest type that fits (K types -> the 32-weight types -> q8_0 -> f16), with the reason.
#include <cstdint>
#include <optional>
#include <string>

#include "gguf/ggml_types.h"

namespace aq::gguf {

/// The type a --bits value stands for in a GGUF output: 8 -> q8_0, 4 -> q4_k, 3 -> q3_k, 2 -> q2_k.
const TypeTraits* type_for_bits(int bits);

struct TypeFit {
  const TypeTraits* type = nullptr;  // null: no block type fits, keep the tensor as it is
  std::string reason;                // empty when the requested type fits
};

/// ggml quantizes along the innermost dimension (ne[0], the last of the shape), so the block size
/// must divide it.
TypeFit fit_type(const TypeTraits& requested, int64_t innermost);

}  // namespace aq::gguf
