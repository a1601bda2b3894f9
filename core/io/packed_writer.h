#pragma once
// Writers of quantized models: packed safetensors (docs/FORMAT.md) or HDF5. Every size is known
// from the plan, so data arrives block by block, in any order, from any thread.
#include <cstdint>
#include <filesystem>
#include <memory>

#include "util/result.h"

namespace aq {

class ModelSource;
struct Plan;

/// One block of rows [row_begin, row_end) of a tensor. Quantized tensors give codes, scales and
/// (asymmetric) zeros for those rows; kept tensors give their raw bytes.
struct BlockData {
  const uint8_t* codes = nullptr;
  const uint16_t* scales = nullptr;
  const uint16_t* zeros = nullptr;
  const std::byte* raw = nullptr;
};

class PackedWriter {
 public:
  virtual ~PackedWriter() = default;
  /// Thread-safe.
  virtual Status write_block(std::size_t tensor, int64_t row_begin, int64_t row_end, const BlockData& data) = 0;
  /// Finishes the file and moves it into place; returns its size in bytes.
  virtual Result<uint64_t> commit() = 0;
  /// Drops everything written; no output file remains. Also done on destruction without commit.
  virtual void abort() = 0;
};

/// Chooses the format by extension: .h5/.hdf5 → HDF5, anything else → packed safetensors.
Result<std::unique_ptr<PackedWriter>> open_packed_writer(const std::filesystem::path& output,
                                                         const ModelSource& source, const Plan& plan);

Result<std::unique_ptr<PackedWriter>> open_safetensors_writer(const std::filesystem::path& output,
                                                              const ModelSource& source, const Plan& plan);
Result<std::unique_ptr<PackedWriter>> open_hdf5_writer(const std::filesystem::path& output,
                                                       const ModelSource& source, const Plan& plan);

}  // namespace aq
