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
/// The __metadata__ a packed file carries.
std::map<std::string, std::string> file_metadata(const std::vector<QuantizedTensor>& tensors,
                                                 const std::string& source_name);
/// True when the metadata marks an ArrowQuant packed file.
bool is_packed(const std::map<std::string, std::string>& metadata);
/// Parses the quantized tensors' descriptions; `file` is for error messages.
Result<std::map<std::string, QuantizedTensor>> parse_metadata(const std::map<std::string, std::string>& metadata,
                                                             const std::string& file);

}  // namespace aq::packed
