#pragma once
// Small helpers around the HDF5 C API for the HDF5 reader. Callers hold hdf5_mutex().
#include <optional>
#include <string>

#include <hdf5.h>

#include "tensor/dtype.h"

namespace aq {

/// The HDF5 error stack as one line (its innermost causes, which say why), then cleared.
std::string hdf5_errors();

/// Which of our dtypes a dataset's file datatype is: IEEE half, bfloat16, single and double
/// floats, and 1/2/4/8-byte integers, in either byte order. nullopt with `why` filled otherwise.
std::optional<DType> hdf5_dtype(hid_t type, std::string& why);

/// Closes an HDF5 id when it goes out of scope (for ids that are not kept).
struct Hdf5IdGuard {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Hdf5IdGuard() {
    if (id >= 0) close(id);
  }
};

}  // namespace aq
