#include "io/output_formats.h"

#include <algorithm>
#include <cctype>

#include "plan/plan.h"
#include "quant/scheme_traits.h"

namespace aq {
namespace {

bool packed_integer_scheme(const QuantScheme& s) { return !s.is_ggml() && validate(s).ok(); }
bool ggml_scheme(const QuantScheme& s) { return s.is_ggml() && validate(s).ok(); }

constexpr std::string_view kSafetensorsExt[] = {".safetensors"};
constexpr std::string_view kHdf5Ext[] = {".h5", ".hdf5"};
constexpr std::string_view kGgufExt[] = {".gguf"};

const OutputFormat kFormats[] = {
    {"safetensors", "ArrowQuant packed safetensors (docs/FORMAT.md)", kSafetensorsExt, open_safetensors_writer,
     packed_integer_scheme},
    {"hdf5", "HDF5, one group per tensor (for h5py)", kHdf5Ext, open_hdf5_writer, packed_integer_scheme},
    {"gguf", "GGUF, for ggml runtimes (ComfyUI-GGUF, stable-diffusion.cpp, llama.cpp)", kGgufExt, open_gguf_writer,
     ggml_scheme},
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

std::span<const OutputFormat> output_formats() { return kFormats; }

const OutputFormat* output_format_for(const std::filesystem::path& output) {
  const std::string ext = lower(output.extension().string());
  for (const auto& f : kFormats)
    if (std::find(f.extensions.begin(), f.extensions.end(), ext) != f.extensions.end()) return &f;
  return nullptr;
}

std::string output_extensions_text() {
  std::vector<std::string_view> all;
  for (const auto& f : kFormats) all.insert(all.end(), f.extensions.begin(), f.extensions.end());
  std::string out;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i) out += i + 1 == all.size() ? " or " : ", ";
    out += all[i];
  }
  return out;
}

std::string output_name_patterns() {
  std::string out;
  for (const auto& f : kFormats)
    for (auto e : f.extensions) out += (out.empty() ? "*" : " *") + std::string(e);
  return out;
}

Result<const OutputFormat*> choose_output_format(const std::filesystem::path& output, const Plan& plan) {
  const OutputFormat* format = output_format_for(output);
  if (!format)
    return make_error(ErrorKind::BadArgument, output.string(), "",
                      "no output format is named '" + output.extension().string() + "': name the output " +
                          output_extensions_text());
  for (const auto& t : plan.tensors)
    if (t.quantized() && !format->supports(t.scheme))
      return make_error(ErrorKind::BadArgument, output.string(), "",
                        std::string(format->description) + " cannot store " + t.scheme.describe() +
                            (t.scheme.is_ggml() ? ": ggml types need a .gguf output" : ": a .gguf output needs a ggml type (--type)"));
  return format;
}

}  // namespace aq
