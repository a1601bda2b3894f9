#pragma once
// Weights stored as HDF5 datasets (Keras-style .h5 files or one dataset per tensor).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "io/model_source.h"
#include "io/open_options.h"

namespace aq {

/// Every floating-point (F16/BF16/F32/F64) and integer dataset in the file's group tree is a
/// tensor named by its path without the leading '/'. Other datasets are skipped with a warning.
/// read_rows copies a hyperslab into `scratch` as little-endian raw bytes of the tensor's dtype.
/// All HDF5 calls hold hdf5_mutex(), so reads from several threads take turns.
///
/// ArrowQuant's own HDF5 output (root attribute format = "arrowquant", docs/FORMAT.md) is shown
/// exactly as the packed safetensors file would be: tensors NAME.aq_codes / .aq_scales /
/// .aq_zeros for quantized tensors, NAME for kept ones (in their original dtype), and the
/// "format" / "arrowquant" metadata, synthesised from the groups' attributes.
///
/// The file is first opened (and, when small, read) in a forked child process: libhdf5 itself
/// can crash or loop on corrupt files, which then only ends the child (hdf5_probe.h).
///
/// Refused at open (BadInput): datasets stored in external files or virtual datasets (they read
/// other files), corrupt dimensions, and - unless options.allow_sparse - datasets whose storage
/// is not (fully) allocated and files whose datasets declare far more bytes than the file holds
/// (see the rule in hdf5_dataset_check.cpp).
class Hdf5Source : public ModelSource {
 public:
  static Result<std::unique_ptr<Hdf5Source>> open(const std::filesystem::path& file,
                                                  const OpenOptions& options = {});
  ~Hdf5Source() override;
  Hdf5Source(const Hdf5Source&) = delete;
  Hdf5Source& operator=(const Hdf5Source&) = delete;

  std::string_view format() const override { return "hdf5"; }
  Result<const std::byte*> read_rows(std::size_t index, int64_t row_begin, int64_t row_end,
                                     std::vector<std::byte>& scratch) const override;
  /// An Io error naming the file and tensor if the file is now shorter than when it was opened.
  Status check_read(std::size_t index) const override;

 private:
  Hdf5Source() = default;
  // open() without the crash probe (run in the probe's child, and after it in this process).
  static Result<std::unique_ptr<Hdf5Source>> open_unprobed(const std::filesystem::path& file,
                                                           const OpenOptions& options);
  // HDF5 ids (hid_t is int64_t in HDF5 >= 1.10), kept out of this header so that including it
  // does not drag in <hdf5.h>.
  int64_t file_id_ = -1;
  std::vector<int64_t> datasets_;  // parallel to tensors_
  std::vector<int64_t> memtypes_;  // little-endian copy of each file type
  int fd_ = -1;                    // the file, to notice it shrinking under us (reads of a
  uint64_t size_at_open_ = 0;      // truncated HDF5 file silently return zeros)
};

/// True if the file starts with the HDF5 signature (at 0, 512, 1024, ... as a user block allows).
bool has_hdf5_signature(const std::filesystem::path& file);

}  // namespace aq
