#pragma once
// Debian's libhdf5 is built thread-safe (H5_HAVE_THREADSAFE) but the library's global lock is
// not something we want to rely on, and its error stacks and their "print automatically" setting
// are per thread. So every HDF5 call anywhere in the program (readers, writers, tests) holds the
// one mutex below, and every thread that calls HDF5 first silences HDF5's automatic printing
// (otherwise a TBB worker's first failing call dumps "HDF5-DIAG" text on stderr).
//
// Core code uses Hdf5Lock, which does both. Errors must be captured (hdf5_errors()) on the thread
// of the failing call and before any further HDF5 call, which clears the stack.
#include <mutex>

namespace aq {

/// The process-wide lock around all HDF5 library calls.
inline std::mutex& hdf5_mutex() {
  static std::mutex m;
  return m;
}

/// Turns off HDF5's automatic error printing for the calling thread (H5Eset_auto2 with no
/// handler). Cheap; called every time Hdf5Lock is taken. Caller holds hdf5_mutex().
void hdf5_quiet_this_thread();

/// True only in the short-lived child process that probes a file (hdf5_probe.h): it is forked
/// while its parent holds hdf5_mutex(), so it must not take the mutex again.
inline bool& hdf5_in_probe_child() {
  static bool in_child = false;
  return in_child;
}

/// hdf5_mutex() held, and HDF5 quiet on this thread.
class Hdf5Lock {
 public:
  Hdf5Lock() : lock_(hdf5_mutex(), std::defer_lock) {
    if (!hdf5_in_probe_child()) lock_.lock();
    hdf5_quiet_this_thread();
  }
  Hdf5Lock(const Hdf5Lock&) = delete;
  Hdf5Lock& operator=(const Hdf5Lock&) = delete;

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace aq
