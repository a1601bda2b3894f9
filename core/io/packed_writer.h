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

  /// The block's rows of plane `i`, in packed_planes() order (quant/scheme_traits.h).
  const void* plane(std::size_t i) const {
    const void* planes[] = {codes, scales, zeros};
    return i < 3 ? planes[i] : nullptr;
  }
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

/// The writers of io/output_formats.h's table (which chooses among them by file name).
Result<std::unique_ptr<PackedWriter>> open_safetensors_writer(const std::filesystem::path& output,
                                                              const ModelSource& source, const Plan& plan);
Result<std::unique_ptr<PackedWriter>> open_gguf_writer(const std::filesystem::path& output,
                                                       const ModelSource& source, const Plan& plan);
/// The exact size of the GGUF file open_gguf_writer would write for this plan (header, tensors and
/// the alignment padding between them), known before the run; `plan` shows it.
Result<uint64_t> gguf_file_bytes(const ModelSource& source, const Plan& plan);
Result<std::unique_ptr<PackedWriter>> open_hdf5_writer(const std::filesystem::path& output,
                                                       const ModelSource& source, const Plan& plan);

}  // namespace aq
