#pragma once
// Which safetensors weights a folder holds, and which of them to load.
#include <filesystem>
#include <optional>
#include <vector>

#include "util/result.h"

namespace aq {

/// The weights chosen in one folder: a single file or an index of shards.
struct WeightChoice {
  std::filesystem::path file;
  bool is_index = false;
  /// Other weight files of the folder left out, such as variants (name.fp16.safetensors).
  std::vector<std::filesystem::path> skipped;
};

/// Looks at the *.safetensors files and *.safetensors.index[.variant].json indexes directly in
/// `folder` (shards named name-00001-of-00002 belong to an index). A variant (stem "name.fp16")
/// gives way to its plain file ("name"); with both a file and an index of the same name the file
/// wins. nullopt if the folder has no weights; an Error if it has several unrelated ones.
Result<std::optional<WeightChoice>> choose_weights(const std::filesystem::path& folder);

/// "a.safetensors, b.safetensors": file names for messages.
std::string file_list(const std::vector<std::filesystem::path>& files);

}  // namespace aq
