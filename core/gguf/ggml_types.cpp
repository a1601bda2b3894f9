#include "gguf/ggml_types.h"

#include <array>
#include <cctype>

#include "gguf/codec_internal.h"
#include "gguf/ggml_blocks.h"

namespace aq::gguf {
namespace {

using namespace codec;

// Plain types first, then quantized ones by bits per weight (largest first). The integer and f64
// types are listed so a reader can name them; ArrowQuant has no codec for them.
constexpr std::array<TypeTraits, 18> kTypes = {{
    {GgmlType::F32, "f32", 1, 4, false, quantize_f32, dequantize_f32},
    {GgmlType::F16, "f16", 1, 2, false, quantize_f16, dequantize_f16},
    {GgmlType::BF16, "bf16", 1, 2, false, quantize_bf16, dequantize_bf16},
    {GgmlType::F64, "f64", 1, 8, false, nullptr, nullptr},
    {GgmlType::I8, "i8", 1, 1, false, nullptr, nullptr},
    {GgmlType::I16, "i16", 1, 2, false, nullptr, nullptr},
    {GgmlType::I32, "i32", 1, 4, false, nullptr, nullptr},
    {GgmlType::I64, "i64", 1, 8, false, nullptr, nullptr},
    {GgmlType::Q8_0, "q8_0", kQK, sizeof(BlockQ8_0), true, quantize_q8_0, dequantize_q8_0},
    {GgmlType::Q6_K, "q6_k", kQK_K, sizeof(BlockQ6_K), true, quantize_q6_k, dequantize_q6_k},
    {GgmlType::Q5_1, "q5_1", kQK, sizeof(BlockQ5_1), true, quantize_q5_1, dequantize_q5_1},
    {GgmlType::Q5_0, "q5_0", kQK, sizeof(BlockQ5_0), true, quantize_q5_0, dequantize_q5_0},
    {GgmlType::Q5_K, "q5_k", kQK_K, sizeof(BlockQ5_K), true, quantize_q5_k, dequantize_q5_k},
    {GgmlType::Q4_1, "q4_1", kQK, sizeof(BlockQ4_1), true, quantize_q4_1, dequantize_q4_1},
    {GgmlType::Q4_0, "q4_0", kQK, sizeof(BlockQ4_0), true, quantize_q4_0, dequantize_q4_0},
    {GgmlType::Q4_K, "q4_k", kQK_K, sizeof(BlockQ4_K), true, quantize_q4_k, dequantize_q4_k},
    {GgmlType::Q3_K, "q3_k", kQK_K, sizeof(BlockQ3_K), true, quantize_q3_k, dequantize_q3_k},
    {GgmlType::Q2_K, "q2_k", kQK_K, sizeof(BlockQ2_K), true, quantize_q2_k, dequantize_q2_k},
}};

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

std::span<const TypeTraits> ggml_types() { return kTypes; }

const TypeTraits* find_type(GgmlType type) {
  for (const auto& t : kTypes)
    if (t.type == type) return &t;
  return nullptr;
}

const TypeTraits* find_type(std::string_view name) {
  for (const auto& t : kTypes)
    if (iequal(t.name, name)) return &t;
  return nullptr;
}

}  // namespace aq::gguf
