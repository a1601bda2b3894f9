#pragma once
// Names and metadata of ArrowQuant's packed safetensors format (docs/FORMAT.md), shared by the
// writer, dequantize and compare.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "quant/scheme.h"
#include "tensor/dtype.h"
#include "util/result.h"

namespace aq::packed {

inline constexpr std::string_view kCodesSuffix = ".aq_codes";
inline constexpr std::string_view kScalesSuffix = ".aq_scales";
inline constexpr std::string_view kZerosSuffix = ".aq_zeros";
inline constexpr std::string_view kFormatKey = "format";         // __metadata__ key
inline constexpr std::string_view kFormatValue = "arrowquant";
inline constexpr std::string_view kSpecKey = "arrowquant";       // __metadata__ key: JSON text
inline constexpr int kFormatVersion = 1;

/// What the metadata says of one quantized tensor.
struct QuantizedTensor {
  std::string name;             // the original tensor's name
  DType dtype = DType::F32;     // the original dtype
  std::vector<int64_t> shape;   // the original shape
  QuantScheme scheme;
  PackedLayout layout;
};

nlohmann::json tensor_json(const QuantizedTensor& t);
/// Source metadata keys that clash with ours are kept under this prefix ("arrowquant.source.format"
/// holds a PyTorch file's "format": "pt").
inline constexpr std::string_view kSourceKeyPrefix = "arrowquant.source.";

/// The __metadata__ a packed file carries: the source's own keys (a LoRA's training keys, ...),
/// unchanged, next to ArrowQuant's "format" and "arrowquant" keys.
std::map<std::string, std::string> file_metadata(const std::vector<QuantizedTensor>& tensors,
                                                 const std::string& source_name,
                                                 const std::map<std::string, std::string>& source_metadata = {});
/// The source's metadata back from a packed file's: ArrowQuant's keys removed, clashing keys restored.
std::map<std::string, std::string> original_metadata(const std::map<std::string, std::string>& packed_metadata);
/// True when the metadata marks an ArrowQuant packed file.
bool is_packed(const std::map<std::string, std::string>& metadata);
/// True for names ending in .aq_codes, .aq_scales or .aq_zeros, which the format reserves.
bool has_reserved_suffix(std::string_view name);
/// Parses and checks the quantized tensors' descriptions (types, ranges, rows x cols against the
/// shape, sizes without overflow); `file` is for error messages.
Result<std::map<std::string, QuantizedTensor>> parse_metadata(const std::map<std::string, std::string>& metadata,
                                                             const std::string& file);

}  // namespace aq::packed
