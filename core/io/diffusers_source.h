#pragma once
// A diffusers pipeline folder: unet/, transformer/, vae/, text_encoder*/ ... each with weights.
#include <filesystem>
#include <memory>

#include "io/sharded_source.h"

namespace aq {

/// Every subfolder holding safetensors weights (a single file or an index of shards) is a
/// component, loaded in folder-name order. Tensor names become "component/name" and
/// TensorInfo::component is set. Skipped variant files and PyTorch-only components are warnings.
class DiffusersSource : public ShardedSource {
 public:
  static Result<std::unique_ptr<DiffusersSource>> open(const std::filesystem::path& folder);
  std::string_view format() const override { return "diffusers"; }

 private:
  DiffusersSource() = default;
};

}  // namespace aq
