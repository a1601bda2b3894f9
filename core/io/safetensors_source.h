#pragma once
// Memory-mapped safetensors: one file here; the sharded and diffusers sources build on it.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/mapped_file.h"
#include "io/model_source.h"
#include "io/safetensors_header.h"

namespace aq {

/// One or more memory-mapped safetensors files. read_rows is zero-copy: it returns a pointer into
/// the mapping (which may be unaligned for the dtype) and never touches `scratch`.
class SafetensorsSource : public ModelSource {
 public:
  /// Maps and validates a single safetensors file.
  static Result<std::unique_ptr<SafetensorsSource>> open(const std::filesystem::path& file);

  std::string_view format() const override { return "safetensors"; }
  Result<const std::byte*> read_rows(std::size_t index, int64_t row_begin, int64_t row_end,
                                     std::vector<std::byte>& scratch) const override;
  void release_rows(std::size_t index, int64_t row_begin, int64_t row_end) const override;
  Status check_read(std::size_t index) const override;

  /// For the opener: notes something the user should know (a skipped variant file, ...).
  void add_warning(std::string warning) { warnings_.push_back(std::move(warning)); }
  /// For the opener: the folder the user opened when the weights were found inside it.
  void set_opened_path(std::filesystem::path path) { path_ = std::move(path); }

 protected:
  SafetensorsSource() = default;
  /// Maps one more file and parses its header. The tensors come back with file_index set and
  /// are not yet added; the first file's metadata becomes the source's metadata.
  Result<SafetensorsHeader> map_file(const std::filesystem::path& file);
  /// Maps one more file and adds all its tensors, named `prefix + name`, with `component` set.
  Status add_file(const std::filesystem::path& file, const std::string& prefix,
                  const std::string& component);
  /// Puts tensors_ in processing order: by file, then by byte offset.
  void sort_tensors();

 private:
  /// The byte range of rows [row_begin, row_end) of a tensor, checked against its shape.
  Result<std::pair<uint64_t, uint64_t>> row_range(std::size_t index, int64_t row_begin,
                                                  int64_t row_end) const;
  std::vector<std::unique_ptr<MappedFile>> maps_;  // parallel to files_
};

}  // namespace aq
