#include "gguf/gguf_names.h"

#include <algorithm>
#include <map>

#include "plan/plan.h"

namespace aq::gguf {
namespace {

bool any_name_contains(const std::vector<std::string>& names, std::string_view part) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

// llama.cpp's LLAMA_FTYPE values: what general.file_type says the file mostly holds.
uint32_t file_type_of(GgmlType t) {
  switch (t) {
    case GgmlType::F32: return 0;
    case GgmlType::F16: return 1;
    case GgmlType::Q4_0: return 2;
    case GgmlType::Q4_1: return 3;
    case GgmlType::Q8_0: return 7;
    case GgmlType::Q5_0: return 8;
    case GgmlType::Q5_1: return 9;
    case GgmlType::Q2_K: return 10;
    case GgmlType::Q3_K: return 12;  // Q3_K_M
    case GgmlType::Q4_K: return 15;  // Q4_K_M
    case GgmlType::Q5_K: return 17;  // Q5_K_M
    case GgmlType::Q6_K: return 18;
    case GgmlType::BF16: return 32;
    default: return 0;
  }
}

}  // namespace

const std::vector<std::string>& known_architectures() {
  static const std::vector<std::string> names = {"flux", "sd1", "sdxl", "sd3", "aura", "hidream", "cosmos",
                                                 "ltxv", "hyvid", "wan", "lumina2", "qwen_image"};
  return names;
}

std::string architecture_for(ModelFamily family, const std::vector<std::string>& names) {
  switch (family) {
    case ModelFamily::Flux: return "flux";
    case ModelFamily::MMDiT: return "sd3";
    case ModelFamily::Wan: return "wan";
    // SDXL's UNet has a second (pooled text and size) embedding that SD 1.x/2.x lack.
    case ModelFamily::UNet: return any_name_contains(names, "label_emb") || any_name_contains(names, "add_embedding") ? "sdxl" : "sd1";
    default: return "";
  }
}

std::vector<std::pair<std::string, Value>> file_metadata(const Plan& plan) {
  std::vector<std::pair<std::string, Value>> kv;
  if (!plan.gguf_architecture.empty()) kv.emplace_back("general.architecture", Value::str(plan.gguf_architecture));
  kv.emplace_back("general.quantization_version", Value::u32(2));
  // The file type is the type most of the quantized weights got.
  std::map<int, int64_t> params_by_type;
  for (const auto& t : plan.tensors)
    if (t.quantized()) params_by_type[t.scheme.ggml_type] += int64_t(t.layout.rows) * t.layout.cols;
  GgmlType main = GgmlType::F16;
  int64_t most = -1;
  for (const auto& [type, params] : params_by_type)
    if (params > most) most = params, main = GgmlType(type);
  kv.emplace_back("general.file_type", Value::u32(file_type_of(main)));
  kv.emplace_back("general.alignment", Value::u32(kDefaultAlignment));
  kv.emplace_back("general.quantized_by", Value::str(std::string("ArrowQuant ") + AQ_VERSION));
  return kv;
}

std::optional<GgmlType> ggml_type_for(DType d) {
  switch (d) {
    case DType::F32: return GgmlType::F32;
    case DType::F16: return GgmlType::F16;
    case DType::BF16: return GgmlType::BF16;
    case DType::F64: return GgmlType::F64;
    case DType::I8: return GgmlType::I8;
    case DType::I16: return GgmlType::I16;
    case DType::I32: return GgmlType::I32;
    case DType::I64: return GgmlType::I64;
    default: return std::nullopt;
  }
}

std::optional<DType> dtype_for(GgmlType t) {
  for (DType d : {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I8, DType::I16, DType::I32, DType::I64})
    if (ggml_type_for(d) == t) return d;
  return std::nullopt;
}

std::string orig_shape_key(const std::string& tensor) { return "comfy.gguf.orig_shape." + tensor; }

std::vector<int64_t> fold_shape(const std::vector<int64_t>& shape) {
  if (shape.size() <= std::size_t(kMaxDims)) return shape;
  std::vector<int64_t> out(shape.end() - (kMaxDims - 1), shape.end());
  int64_t outer = 1;
  for (std::size_t i = 0; i + (kMaxDims - 1) < shape.size(); ++i) outer *= shape[i];
  out.insert(out.begin(), outer);
  return out;
}

}  // namespace aq::gguf
