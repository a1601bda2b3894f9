#pragma once
// Checks made before any work, so that no command can overwrite what it reads or what is not a
// plain file: every output path against every input file (by device and inode, so any spelling,
// symlink or hard link is caught) and against the other outputs.
#include <filesystem>
#include <string>
#include <vector>

#include "util/result.h"

namespace aq {

class ModelSource;

/// An output the user named, and what it is for ("output", "--report", "--csv", ...).
struct OutputTarget {
  std::filesystem::path path;
  std::string role;
};

/// One output on its own: not empty; if it exists, a regular file (not a folder, device, FIFO or
/// socket); its folder exists; no symlink loop on the way.
Status check_output_target(const OutputTarget& target);

/// Every target checked alone, then against each input file and each other target.
Status check_outputs(const std::vector<OutputTarget>& targets, const std::vector<std::filesystem::path>& inputs);

/// The files a source reads: its data files and the index or path the user opened, when that is
/// a file.
std::vector<std::filesystem::path> input_files(const ModelSource& source);

}  // namespace aq
