#pragma once
// A model source whose tensors are byte ranges of memory-mapped files (safetensors, GGUF):
// zero-copy reads, pages given back after use, and reads checked against a file shrinking under us.
#include <filesystem>
#include <memory>
#include <utility>
#include <vector>

#include "io/mapped_file.h"
#include "io/model_source.h"

namespace aq {

class MappedSource : public ModelSource {
 public:
  /// Returns a pointer into the mapping (which may be unaligned for the dtype); never touches
  /// `scratch`.
  Result<const std::byte*> read_rows(std::size_t index, int64_t row_begin, int64_t row_end,
                                     std::vector<std::byte>& scratch) const override;
  void release_rows(std::size_t index, int64_t row_begin, int64_t row_end) const override;
  Status check_read(std::size_t index) const override;

 protected:
  MappedSource() = default;
  /// Adds a mapped file; its index in files() is what TensorInfo::file_index refers to.
  uint32_t add_mapping(const std::filesystem::path& file, std::unique_ptr<MappedFile> map);
  const MappedFile& mapping(uint32_t file_index) const { return *maps_[file_index]; }
  /// Puts tensors_ in processing order: by file, then by byte offset.
  void sort_tensors();

 private:
  /// The byte range of rows [row_begin, row_end) of a tensor, checked against its shape.
  Result<std::pair<uint64_t, uint64_t>> row_range(std::size_t index, int64_t row_begin, int64_t row_end) const;
  std::vector<std::unique_ptr<MappedFile>> maps_;  // parallel to files_
};

}  // namespace aq
