#pragma once
// libhdf5 (1.10) parses a file's structure with too little checking: some corrupt files make it
// read out of bounds and crash the process (seen by tests/io/hdf5_fuzz_test.cpp in the local-heap
// and B-tree code), and a corrupt structure may make it loop. We cannot fix the library, so a file
// is first opened in a forked child process: if the library crashes or does not finish there, the
// file is refused; only then is it opened in this process.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace aq {

/// Runs `work` in a forked child process, which ends with _exit (no atexit handlers, no
/// destructors of this process's objects). Returns nullopt if the child finished, or why not
/// ("the HDF5 library crashed (signal 11) ...", "... did not finish within N s"). If fork itself
/// fails the probe is skipped (nullopt). The caller holds hdf5_mutex(): no other thread is inside
/// HDF5 when the process is forked; in the child hdf5_in_probe_child() is true, so Hdf5Lock does
/// not lock again.
std::optional<std::string> hdf5_probe(const std::function<void()>& work, int timeout_seconds);

}  // namespace aq
