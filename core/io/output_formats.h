#pragma once
// The formats ArrowQuant writes, in one table: which file names they take, how to open a writer,
// and which schemes they can store. The job, the CLI and the GUI ask it instead of switching on
// extensions, so a format can refuse a scheme (or an unknown name) before the run.
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "io/packed_writer.h"
#include "quant/scheme.h"

namespace aq {

struct OutputFormat {
  std::string_view id;           // "safetensors", "hdf5"
  std::string_view description;  // for menus and help: "ArrowQuant packed safetensors"
  std::span<const std::string_view> extensions;  // ".safetensors"; ".h5", ".hdf5"
  Result<std::unique_ptr<PackedWriter>> (*open)(const std::filesystem::path& output, const ModelSource& source,
                                                const Plan& plan);
  /// Whether the format can store tensors packed with `scheme` (validate() holds already).
  bool (*supports)(const QuantScheme& scheme);
};

std::span<const OutputFormat> output_formats();
/// The format a file name asks for, by its extension (any case); null when none does.
const OutputFormat* output_format_for(const std::filesystem::path& output);
/// ".safetensors, .h5 or .hdf5": for messages.
std::string output_extensions_text();
/// "*.safetensors *.h5 *.hdf5": for file dialogs.
std::string output_name_patterns();

/// The format for `output`, if it can store every scheme the plan uses; otherwise a BadArgument
/// Error naming the file and saying what would work.
Result<const OutputFormat*> choose_output_format(const std::filesystem::path& output, const Plan& plan);

}  // namespace aq
