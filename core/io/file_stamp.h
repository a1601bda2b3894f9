#pragma once
// Input files noted when a run starts and checked again before its output is committed: a file
// replaced, truncated or rewritten under us fails the run instead of yielding a wrong output.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "util/result.h"

namespace aq {

struct FileStamp {
  std::filesystem::path file;
  uint64_t device = 0, inode = 0, size = 0;
  int64_t mtime_ns = 0;
};

/// Stamps of the given files (those that cannot be read are skipped: opening reports them).
std::vector<FileStamp> stamp_files(const std::vector<std::filesystem::path>& files);

/// An Io error naming the first file that changed since it was stamped, and how.
Status verify_unchanged(const std::vector<FileStamp>& stamps);

}  // namespace aq
