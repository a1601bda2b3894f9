#pragma once
// Parsing and validation of one safetensors file's header.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tensor/tensor_info.h"
#include "util/result.h"

namespace aq {

/// Headers longer than this are refused as absurd (real ones are a few MB at most).
// A header takes about 150 bytes per tensor, so 32 MiB is room for 200,000 tensors; a bigger one
// only costs time and memory before anything is read.
inline constexpr uint64_t kMaxSafetensorsHeader = 32ull << 20;

/// What one safetensors header describes.
struct SafetensorsHeader {
  std::vector<TensorInfo> tensors;  // by byte offset; offsets absolute in the file
  std::map<std::string, std::string> metadata;  // "__metadata__"
  uint64_t data_begin = 0;                      // 8 + header length
};

/// Parses and validates the header of the safetensors file whose bytes are [bytes, bytes + size).
/// Checks everything that could make a later read go wrong: header bounds, JSON, entry fields
/// and types, dtype, shape overflow, byte ranges (inside the data section, size matching the
/// shape, no overlap), duplicate names, at least one tensor. Errors name `file` and the tensor.
/// The tensors get `file_index`; names and components are left to the caller.
Result<SafetensorsHeader> parse_safetensors_header(const std::byte* bytes, uint64_t size,
                                                   const std::string& file, uint32_t file_index);

}  // namespace aq
