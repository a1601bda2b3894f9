#pragma once
// A model split into shards listed by a *.safetensors.index.json file.
#include <filesystem>
#include <memory>
#include <string>

#include "io/safetensors_source.h"

namespace aq {

/// Shards named by an index's "weight_map", each memory-mapped. Checks that every tensor the
/// index lists is in its shard and that no tensor is in two shards. Files are in shard-name order.
class ShardedSource : public SafetensorsSource {
 public:
  static Result<std::unique_ptr<ShardedSource>> open(const std::filesystem::path& index);
  std::string_view format() const override { return "safetensors-index"; }

 protected:
  ShardedSource() = default;
  /// Reads an index and maps all its shards; their tensors are added named `prefix + name` with
  /// `component` set.
  Status add_index(const std::filesystem::path& index, const std::string& prefix,
                   const std::string& component);
};

}  // namespace aq
