#pragma once
// A GGUF file, memory-mapped: plain tensors read as their dtype, block-quantized ones as raw
// blocks (TensorInfo::ggml_type) that LogicalModel decodes. Shapes folded to 4 dimensions come
// back whole when the file records the original (comfy.gguf.orig_shape.NAME).
#include <filesystem>
#include <memory>

#include "io/mapped_source.h"

namespace aq {

class GgufSource : public MappedSource {
 public:
  static Result<std::unique_ptr<GgufSource>> open(const std::filesystem::path& file);
  std::string_view format() const override { return "gguf"; }
  /// True when some tensor is block-quantized.
  bool quantized() const;

 private:
  GgufSource() = default;
};

/// True when the file starts with GGUF's magic.
bool has_gguf_magic(const std::filesystem::path& file);

}  // namespace aq
