#pragma once
// Small helpers around the HDF5 C API for the HDF5 reader. Callers hold hdf5_mutex().
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <hdf5.h>

#include "tensor/dtype.h"

namespace aq {

/// The calling thread's HDF5 error stack as one line (its innermost causes, which say why), then
/// cleared. Call it right after the failing call, on the same thread: any other HDF5 API call
/// (even closing an id) clears the stack first.
std::string hdf5_errors();

/// hdf5_errors() plus the operating system's errno when the library reported one (the sec2
/// driver's "... errno = 28, error message = 'No space left on device' ..."), else 0.
struct Hdf5ErrorInfo {
  std::string text;
  int sys_errno = 0;
};
Hdf5ErrorInfo hdf5_error_info();

/// Attributes, read with every property checked (class, size, number of elements). nullopt with
/// `why` filled ("missing", "not a string", ...) otherwise. Scalar (or one-element) attributes.
std::optional<std::string> hdf5_string_attr(hid_t obj, const char* name, std::string& why);
std::optional<int64_t> hdf5_int_attr(hid_t obj, const char* name, std::string& why);
/// A one-dimensional integer attribute of at most `max_len` elements (a null dataspace is empty).
std::optional<std::vector<int64_t>> hdf5_int_array_attr(hid_t obj, const char* name, std::size_t max_len,
                                                        std::string& why);
bool hdf5_has_attr(hid_t obj, const char* name);

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
