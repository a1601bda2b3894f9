#pragma once
// Laying out a safetensors file before its data exists: every size is known up front, so the
// header is written first and tensor data can then be written block by block at fixed offsets.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/atomic_file.h"
#include "tensor/dtype.h"

namespace aq {

struct SafetensorsEntry {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t nbytes = 0;
};

struct SafetensorsLayout {
  std::string header;              // JSON, space-padded to a multiple of 8 bytes
  std::vector<uint64_t> offsets;   // absolute file offset of each entry's data
  uint64_t file_size = 0;
};

/// Entries are stored in the given order, without gaps, as the format requires.
SafetensorsLayout layout_safetensors(const std::vector<SafetensorsEntry>& entries,
                                     const std::map<std::string, std::string>& metadata);
/// Writes the 8-byte length and the header at the start of `file`.
Status write_safetensors_header(AtomicFile& file, const SafetensorsLayout& layout);

}  // namespace aq
