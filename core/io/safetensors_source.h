#pragma once
// Memory-mapped safetensors: one file here; the sharded and diffusers sources build on it.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/mapped_source.h"
#include "io/safetensors_header.h"

namespace aq {

/// One or more memory-mapped safetensors files (reads: see MappedSource).
class SafetensorsSource : public MappedSource {
 public:
  /// Maps and validates a single safetensors file.
  static Result<std::unique_ptr<SafetensorsSource>> open(const std::filesystem::path& file);

  std::string_view format() const override { return "safetensors"; }

  /// For the opener: notes something the user should know (a skipped variant file, ...).
  void add_warning(std::string warning) { warnings_.push_back(std::move(warning)); }
  /// For the opener: the folder the user opened when the weights were found inside it.
  void set_opened_path(std::filesystem::path path) { path_ = std::move(path); }

 protected:
  SafetensorsSource() = default;
  /// Maps one more file and parses its header. The tensors come back with file_index set and
  /// are not yet added; the first file's metadata becomes the source's metadata.
  Result<SafetensorsHeader> map_file(const std::filesystem::path& file);
  /// Maps one more file and adds all its tensors, named `prefix + name`, with `component` set.
  Status add_file(const std::filesystem::path& file, const std::string& prefix,
                  const std::string& component);
};

}  // namespace aq
