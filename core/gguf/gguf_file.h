#pragma once
// The GGUF container (version 3, little-endian): "GGUF", version, tensor and key counts, the
// key-value metadata, the tensor infos (name, dims innermost first, ggml type, offset into the
// data section), padding to the alignment, then the data, each tensor at an aligned offset.
// This file writes and parses that header; the tensors' bytes are the writer's and reader's.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "gguf/ggml_types.h"
#include "util/result.h"

namespace aq::gguf {

inline constexpr uint32_t kVersion = 3;
inline constexpr uint32_t kDefaultAlignment = 32;
inline constexpr int kMaxDims = 4;  // GGML_MAX_DIMS

/// Value types of the key-value metadata (the spec's gguf_metadata_value_type).
enum class ValueType : uint32_t {
  U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, BOOL = 7, STRING = 8, ARRAY = 9,
  U64 = 10, I64 = 11, F64 = 12,
};

/// A metadata value as written: a number of the given type, a string, or an array of either.
struct Value {
  ValueType type = ValueType::U32;
  std::variant<uint64_t, int64_t, double, std::string> scalar;  // by type
  ValueType element = ValueType::U32;                             // ARRAY
  std::vector<Value> elements;                                    // ARRAY

  static Value u32(uint32_t v) { return {ValueType::U32, uint64_t(v)}; }
  static Value str(std::string v) { return {ValueType::STRING, std::move(v)}; }
  static Value i32_array(const std::vector<int64_t>& v);
  /// Human-readable, for inspect: "32", "flux", "[1, 2, 3]".
  std::string text() const;
};

struct TensorEntry {
  std::string name;
  std::vector<int64_t> shape;  // outermost first, as in safetensors (ne reversed)
  GgmlType type = GgmlType::F32;
  uint64_t offset = 0;         // into the data section, a multiple of the alignment
  uint64_t bytes = 0;
};

struct Header {
  uint32_t alignment = kDefaultAlignment;
  std::vector<std::pair<std::string, Value>> metadata;  // in file order
  std::vector<TensorEntry> tensors;                     // in file order
  uint64_t data_begin = 0;                              // absolute offset of the data section
};

/// Bytes of a tensor of this type and shape; nullopt when the innermost dimension is not a multiple
/// of the type's block or the size overflows.
std::optional<uint64_t> tensor_bytes(GgmlType type, const std::vector<int64_t>& shape);

/// Serialises metadata and tensor infos; assigns each tensor its aligned offset and the header's
/// data_begin. The returned bytes include the padding up to the data section.
std::string write_header(Header& header);

/// Parses and checks a header: magic, version 2 or 3, counts the file can hold, string and array
/// lengths, dims (1 to 4, none 0, no overflow), types we know, the innermost dimension a multiple of
/// the block, aligned offsets inside the file without overlaps, unique names. `file` names errors.
Result<Header> parse_header(const std::byte* bytes, uint64_t size, const std::string& file);

}  // namespace aq::gguf
