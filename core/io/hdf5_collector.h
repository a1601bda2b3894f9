#pragma once
// Internal to the HDF5 reader: what the walk over a file's objects has found so far, filled by
// hdf5_source.cpp (plain datasets) and hdf5_packed_reader.cpp (ArrowQuant's tensor groups).
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "io/hdf5_dataset_check.h"
#include "io/packed_format.h"
#include "util/result.h"

namespace aq::hdf5_detail {

/// Collects datasets; owns their ids until they are handed to the source. Caller holds the lock.
struct Collector {
  explicit Collector(std::string file_name) : file(std::move(file_name)) {}
  ~Collector() {
    for (Found& f : found) close_ids(f);
  }
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  /// Records the first fatal error (a BadInput naming `tensor`); the walk stops on it.
  Verdict fail(const std::string& tensor, std::string reason) {
    if (!fatal) fatal = make_error(ErrorKind::BadInput, file, tensor, std::move(reason));
    return Verdict::Fatal;
  }

  std::string file;
  std::vector<Found> found;
  std::vector<std::string> warnings;
  std::optional<Error> fatal;
  // Packed view: the original tensors' descriptions, for the synthesised metadata.
  std::vector<packed::QuantizedTensor> quantized;
  std::set<std::string> used_datasets;  // packed view: datasets that belong to a tensor group
};

}  // namespace aq::hdf5_detail
