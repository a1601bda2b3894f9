#pragma once
// Internal to the HDF5 reader (hdf5_source.cpp, hdf5_packed_reader.cpp): the checks a dataset
// passes before it is read as a tensor, and the file-wide limits on what the datasets declare
// (the bomb rule, hdf5_dataset_check.cpp). Callers hold hdf5_mutex().
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <hdf5.h>

#include "tensor/tensor_info.h"
#include "util/result.h"

namespace aq::hdf5_detail {

// HDF5's own limit on a dataspace's rank (H5S_MAX_RANK). A larger rank is a corrupt file.
constexpr int kMaxRank = 32;
static_assert(kMaxRank == H5S_MAX_RANK);

// No tensor we read may declare more than 2^62 bytes: every size derived from it (rows x
// row_bytes, offsets, sums of a few tensors) then stays far from 64-bit overflow, even with
// --allow-sparse.
constexpr uint64_t kMaxTensorBytes = uint64_t(1) << 62;

// Longest dataset path taken as a tensor name: the limit every reader applies.
constexpr std::size_t kMaxNameBytes = kMaxTensorNameBytes;

/// "123 bytes", or "3221225472 bytes (3.0 GiB)" from 1 MiB on.
std::string bytes_text(uint64_t n);

/// A dataset accepted as a tensor (or as a piece of a packed tensor).
struct Found {
  TensorInfo info;
  hid_t dataset = -1;
  hid_t memtype = -1;
  haddr_t addr = HADDR_UNDEF;  // HADDR_UNDEF unless stored contiguously
  uint64_t stored = 0;         // H5Dget_storage_size
  std::string sparse;          // non-empty: why its storage is not fully allocated
  uint64_t chunk_bytes = 0;    // chunked: bytes of one chunk
};

/// Closes the ids `f` still owns (ids handed on are set to -1 first).
inline void close_ids(Found& f) {
  if (f.memtype >= 0) H5Tclose(f.memtype);
  if (f.dataset >= 0) H5Dclose(f.dataset);
  f.memtype = f.dataset = -1;
}

enum class Verdict { Tensor, Skip, Fatal };

/// Checks dataset `ds` and fills `f` (except info.name). Skip: `why` says why it is not a tensor
/// (an unsupported type, a missing filter). Fatal: `why` is the error's reason (a corrupt file,
/// data stored outside the file); the caller names the dataset.
Verdict inspect_dataset(hid_t ds, Found& f, std::string& why);

/// The bomb rule over all accepted datasets of `file` (`file_size` bytes when opened), and the
/// check that their stored bytes fit in the file: a BadInput error naming the refused tensor
/// (or only the file) otherwise.
Status check_declared_sizes(const std::vector<Found>& found, const std::filesystem::path& file, uint64_t file_size,
                            bool allow_sparse);

}  // namespace aq::hdf5_detail
