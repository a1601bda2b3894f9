#pragma once
// Options for opening a model that change what the readers accept.
namespace aq {

struct OpenOptions {
  /// Accept HDF5 datasets whose storage is unallocated or partly allocated (they read as their
  /// fill value), and files whose datasets declare far more bytes than the file holds (the
  /// "decompression bomb" guard in Hdf5Source::open). Off by default; the CLI's --allow-sparse.
  bool allow_sparse = false;
};

}  // namespace aq
