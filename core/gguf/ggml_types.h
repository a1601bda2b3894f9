#pragma once
// ggml's tensor types that ArrowQuant reads and writes in GGUF files, in one table (the model:
// ggml's own type-traits table). A row gives the type's id in the file, its name, how many weights
// one block holds and how many bytes it takes, and the block codec. The block layouts are ggml's
// published ones (ggml_blocks.h); the decoders are fixed by them, the encoders are ours.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace aq::gguf {

/// Type ids as stored in a GGUF tensor info (ggml's enum ggml_type).
enum class GgmlType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  BF16 = 30,
};

struct TypeTraits {
  GgmlType type;
  std::string_view name;  // ggml's lower-case name: "q4_k", "f16", ...
  int block_size;         // weights per block (1 for plain types)
  int type_size;          // bytes per block
  bool quantized;         // a block format (q*), as opposed to plain numbers
  /// Encodes n floats (n a multiple of block_size) into n / block_size blocks at `out`. Null for
  /// types ArrowQuant does not write. `weights` (n values, may be null) are per-weight importances
  /// an encoder may use to choose its scales; null means all equal.
  void (*quantize)(const float* x, int64_t n, void* out, const float* weights);
  /// Decodes n / block_size blocks into n floats: the reference decoder of the format.
  void (*dequantize)(const void* in, int64_t n, float* out);
};

/// Every type ArrowQuant knows, quantized ones by bits per weight.
std::span<const TypeTraits> ggml_types();
const TypeTraits* find_type(GgmlType type);
/// By ggml's name, any case ("Q4_K" or "q4_k"); null when unknown.
const TypeTraits* find_type(std::string_view name);
/// Bytes of a row of `n` weights (n a multiple of the block size).
inline uint64_t row_bytes(const TypeTraits& t, int64_t n) { return uint64_t(n / t.block_size) * uint64_t(t.type_size); }

}  // namespace aq::gguf
