#pragma once
// Element types as safetensors names them.
#include <cstddef>
#include <optional>
#include <string_view>

namespace aq {

enum class DType { F64, F32, F16, BF16, F8_E4M3, F8_E5M2, I64, I32, I16, I8, U64, U32, U16, U8, BOOL };

/// Parses a safetensors dtype string ("F16", "BF16", ...). nullopt if unknown.
std::optional<DType> dtype_from_name(std::string_view name);
std::string_view dtype_name(DType dtype);
std::size_t dtype_size(DType dtype);
/// F32, F16 and BF16 are quantized; every other dtype is carried over unchanged.
bool is_quantizable(DType dtype);

}  // namespace aq
