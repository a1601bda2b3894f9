#pragma once
// Debian's libhdf5 is the serial build, which is not thread-safe: every HDF5 call anywhere in the
// program (readers, writers, tests) must hold this one mutex.
#include <mutex>

namespace aq {

/// The process-wide lock around all HDF5 library calls.
inline std::mutex& hdf5_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace aq
