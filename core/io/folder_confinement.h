#pragma once
// A model folder's files may be symlinks, but a symlink must not lead a reader out of the model:
// an index or folder is data, not a licence to read arbitrary files.
#include <filesystem>

#include "util/result.h"

namespace aq {

/// OK when `file`, symlinks resolved, lies inside `folder` (also resolved). One exception, so
/// that models downloaded by huggingface_hub open: a folder that is a cache snapshot
/// (.../models--org--name/snapshots/REV) may link into its own repository's blobs/ folder.
/// The Error's reason says where the file leads.
Status check_inside_model_folder(const std::filesystem::path& file, const std::filesystem::path& folder);

}  // namespace aq
