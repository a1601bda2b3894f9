#pragma once
// Weights stored as HDF5 datasets (Keras-style .h5 files or one dataset per tensor).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "io/model_source.h"

namespace aq {

/// Every floating-point (F16/BF16/F32/F64) and integer dataset in the file's group tree is a
/// tensor named by its path without the leading '/'. Other datasets are skipped with a warning.
/// read_rows copies a hyperslab into `scratch` as little-endian raw bytes of the tensor's dtype.
/// All HDF5 calls hold hdf5_mutex(), so reads from several threads take turns.
class Hdf5Source : public ModelSource {
 public:
  static Result<std::unique_ptr<Hdf5Source>> open(const std::filesystem::path& file);
  ~Hdf5Source() override;
  Hdf5Source(const Hdf5Source&) = delete;
  Hdf5Source& operator=(const Hdf5Source&) = delete;

  std::string_view format() const override { return "hdf5"; }
  Result<const std::byte*> read_rows(std::size_t index, int64_t row_begin, int64_t row_end,
                                     std::vector<std::byte>& scratch) const override;

 private:
  Hdf5Source() = default;
  // HDF5 ids (hid_t is int64_t in HDF5 >= 1.10), kept out of this header so that including it
  // does not drag in <hdf5.h>.
  int64_t file_id_ = -1;
  std::vector<int64_t> datasets_;  // parallel to tensors_
  std::vector<int64_t> memtypes_;  // little-endian copy of each file type
};

/// True if the file starts with the HDF5 signature (at 0, 512, 1024, ... as a user block allows).
bool has_hdf5_signature(const std::filesystem::path& file);

}  // namespace aq
