#pragma once
// A model on disk, opened for reading: its tensors in processing order and their bytes.
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/open_options.h"
#include "tensor/tensor_info.h"
#include "util/result.h"

namespace aq {

class ModelSource {
 public:
  virtual ~ModelSource() = default;

  /// "safetensors", "safetensors-index", "diffusers" or "hdf5".
  virtual std::string_view format() const = 0;

  /// Reads rows [row_begin, row_end) of tensor `index` (see TensorInfo for the row view) as the
  /// raw bytes of its dtype, row-major. Memory-mapped sources return a pointer into the mapping
  /// and leave `scratch` alone (zero-copy); others copy into `scratch`. The pointer stays valid
  /// while the source lives and `scratch` is not changed. Thread-safe.
  virtual Result<const std::byte*> read_rows(std::size_t index, int64_t row_begin, int64_t row_end,
                                             std::vector<std::byte>& scratch) const = 0;

  /// Gives the pages holding these rows back to the operating system (streaming mode).
  /// Only whole pages inside the range are released. A no-op where nothing is mapped.
  virtual void release_rows(std::size_t index, int64_t row_begin, int64_t row_end) const {}

  /// After the bytes of tensor `index` were used: an Io error if they were not really in the file
  /// (a mapped file that shrank under us reads as zeros, see io/fault_guard.h). Cheap: call it
  /// once per block of rows.
  virtual Status check_read(std::size_t index) const { return {}; }

  /// The path the user opened (file, index file or folder).
  const std::filesystem::path& path() const { return path_; }
  /// The data files behind the source; TensorInfo::file_index points into this.
  const std::vector<std::filesystem::path>& files() const { return files_; }
  /// Index files read to find the data files (sharded models), besides path().
  const std::vector<std::filesystem::path>& index_files() const { return index_files_; }
  /// Tensors in processing order: by file, then by byte offset.
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  /// safetensors "__metadata__" of the first file (empty for HDF5).
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  /// Things the user should know that did not stop the load (skipped datasets, ...).
  const std::vector<std::string>& warnings() const { return warnings_; }

  /// Index of the tensor with this name, or -1.
  std::ptrdiff_t find(std::string_view name) const;
  uint64_t total_bytes() const;
  int64_t total_params() const;

 protected:
  std::filesystem::path path_;
  std::vector<std::filesystem::path> files_;
  std::vector<std::filesystem::path> index_files_;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
  std::vector<std::string> warnings_;
};

/// Opens a safetensors file, a sharded index (*.safetensors.index.json), a diffusers folder, or an
/// HDF5 file (.h5/.hdf5), chosen by what the path is. Every malformed input is an Error naming the
/// file, the tensor (where one is concerned) and the reason.
Result<std::unique_ptr<ModelSource>> open_model(const std::filesystem::path& path, const OpenOptions& options = {});

}  // namespace aq
