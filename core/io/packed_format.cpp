#include "io/packed_format.h"

#include <algorithm>
#include <optional>

#include "io/strict_json.h"
#include "quant/scheme_traits.h"
#include "tensor/tensor_info.h"

namespace aq::packed {

nlohmann::json tensor_json(const QuantizedTensor& t) {
  return {{"dtype", std::string(dtype_name(t.dtype))},
          {"shape", t.shape},
          {"bits", t.scheme.bits},
          {"group_size", t.layout.group},
          {"symmetric", t.scheme.symmetric},
          {"method", std::string(method_name(t.scheme.method))},
          {"rows", t.layout.rows},
          {"cols", t.layout.cols}};
}

std::map<std::string, std::string> file_metadata(const std::vector<QuantizedTensor>& tensors,
                                                 const std::string& source_name,
                                                 const std::map<std::string, std::string>& source_metadata) {
  nlohmann::ordered_json spec;
  spec["format_version"] = kFormatVersion;
  spec["tool"] = std::string("arrowquant ") + AQ_VERSION;
  spec["source"] = source_name;
  spec["tensors"] = nlohmann::ordered_json::object();
  for (const auto& t : tensors) spec["tensors"][t.name] = tensor_json(t);
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : source_metadata) {
    if (key.rfind(kSourceKeyPrefix, 0) == 0) continue;  // a packed source's own: not ours to keep
    const bool ours = key == kFormatKey || key == kSpecKey;
    out[ours ? std::string(kSourceKeyPrefix) + key : key] = value;
  }
  out[std::string(kFormatKey)] = std::string(kFormatValue);
  // A file name need not be UTF-8; JSON text must be.
  out[std::string(kSpecKey)] = spec.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return out;
}

std::map<std::string, std::string> original_metadata(const std::map<std::string, std::string>& packed_metadata) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : packed_metadata)
    if (key != kFormatKey && key != kSpecKey && key.rfind(kSourceKeyPrefix, 0) != 0) out[key] = value;
  for (const auto& [key, value] : packed_metadata)
    if (key.rfind(kSourceKeyPrefix, 0) == 0) out[key.substr(kSourceKeyPrefix.size())] = value;
  return out;
}

bool is_packed(const std::map<std::string, std::string>& metadata) {
  auto it = metadata.find(std::string(kFormatKey));
  return it != metadata.end() && it->second == kFormatValue && metadata.count(std::string(kSpecKey));
}

namespace {

using nlohmann::json;

// One tensor's description, every field checked for type and range; `why` says what is wrong.
std::optional<QuantizedTensor> parse_tensor(const std::string& name, const json& j, std::string& why) {
  auto field = [&](const char* key) -> const json* {
    auto it = j.find(key);
    if (it == j.end()) {
      why = std::string("field '") + key + "' is missing";
      return nullptr;
    }
    return &*it;
  };
  auto integer = [&](const char* key, int64_t lo, int64_t hi) -> std::optional<int64_t> {
    const json* v = field(key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) {
      why = std::string("field '") + key + "' is " + json_type_name(*v) + ", not an integer";
      return std::nullopt;
    }
    const bool in_range = v->is_number_unsigned()
                              ? v->get<uint64_t>() <= uint64_t(hi) && int64_t(v->get<uint64_t>()) >= lo
                              : v->get<int64_t>() >= lo && v->get<int64_t>() <= hi;
    if (!in_range) {
      why = std::string("field '") + key + "' is " + v->dump() + ", outside [" + std::to_string(lo) + ", " +
            std::to_string(hi) + "]";
      return std::nullopt;
    }
    return v->get<int64_t>();
  };
  if (!j.is_object()) {
    why = "the description is " + json_type_name(j) + ", not an object";
    return std::nullopt;
  }
  QuantizedTensor t;
  t.name = name;
  const json* dtype = field("dtype");
  if (!dtype) return std::nullopt;
  const auto parsed_dtype = dtype->is_string() ? dtype_from_name(dtype->get<std::string>()) : std::nullopt;
  if (!parsed_dtype || !is_quantizable(*parsed_dtype)) {
    why = "field 'dtype' is " + (dtype->is_string() ? "'" + dtype->get<std::string>() + "'" : json_type_name(*dtype)) +
          ", not F32, F16 or BF16";
    return std::nullopt;
  }
  t.dtype = *parsed_dtype;
  const json* shape = field("shape");
  if (!shape) return std::nullopt;
  if (!shape->is_array() || shape->size() > 16) {
    why = "field 'shape' must be an array of at most 16 integers";
    return std::nullopt;
  }
  int64_t numel = 1;
  for (const json& d : *shape) {
    if (!d.is_number_unsigned() || d.get<uint64_t>() > uint64_t(INT64_MAX) ||
        __builtin_mul_overflow(numel, int64_t(d.get<uint64_t>()), &numel)) {
      why = "field 'shape' holds " + (d.is_number() ? d.dump() : json_type_name(d)) +
            ": dimensions are non-negative integers whose product fits 64 bits";
      return std::nullopt;
    }
    t.shape.push_back(int64_t(d.get<uint64_t>()));
  }
  const auto bits = integer("bits", 0, 64);
  if (!bits) return std::nullopt;
  if (!find_scheme(int(*bits))) {
    why = "field 'bits' is " + std::to_string(*bits) + ", not " + supported_bits_text();
    return std::nullopt;
  }
  t.scheme.bits = int(*bits);
  const json* sym = field("symmetric");
  if (!sym) return std::nullopt;
  if (!sym->is_boolean()) {
    why = "field 'symmetric' is " + json_type_name(*sym) + ", not true or false";
    return std::nullopt;
  }
  t.scheme.symmetric = sym->get<bool>();
  const json* method = field("method");
  if (!method) return std::nullopt;
  const auto m = method->is_string() ? method_from_name(method->get<std::string>()) : std::nullopt;
  if (!m) {
    why = "field 'method' must be \"minmax\" or \"search\"";
    return std::nullopt;
  }
  t.scheme.method = *m;
  const auto rows = integer("rows", 0, INT64_MAX), cols = integer("cols", 0, INT64_MAX);
  if (!rows || !cols) return std::nullopt;
  int64_t rows_x_cols = 0;
  if (__builtin_mul_overflow(*rows, *cols, &rows_x_cols) || rows_x_cols != numel) {
    why = "rows x cols (" + std::to_string(*rows) + " x " + std::to_string(*cols) + ") does not match the shape's " +
          std::to_string(numel) + " elements";
    return std::nullopt;
  }
  // The row view is fixed by the shape (FORMAT.md): rows = shape[0] for rank >= 2, else one row.
  // Any other factorisation would decode the same values but disagree with every other tool.
  const int64_t view_rows = t.shape.size() >= 2 ? t.shape[0] : 1;
  if (*rows != view_rows || *cols != (view_rows == 0 ? 0 : numel / view_rows)) {
    why = "rows (" + std::to_string(*rows) + ") must be the shape's first dimension (" + std::to_string(view_rows) +
          ") and cols the product of the others";
    return std::nullopt;
  }
  const auto group = integer("group_size", *cols == 0 ? 0 : 1, std::max<int64_t>(*cols, 1));  // effective length
  if (!group) return std::nullopt;
  t.scheme.group_size = *group >= *cols ? 0 : int(std::min<int64_t>(*group, INT32_MAX));
  if (*group < *cols && *group > INT32_MAX) {
    why = "field 'group_size' is too large";
    return std::nullopt;
  }
  const auto layout = checked_packed_layout(*rows, *cols, t.scheme);
  if (!layout) {
    why = "the packed sizes of " + std::to_string(*rows) + " x " + std::to_string(*cols) + " at " +
          std::to_string(*bits) + " bits overflow 64 bits";
    return std::nullopt;
  }
  t.layout = *layout;
  return t;
}

}  // namespace

bool has_reserved_suffix(std::string_view name) {
  return name.ends_with(kCodesSuffix) || name.ends_with(kScalesSuffix) || name.ends_with(kZerosSuffix);
}

Result<std::map<std::string, QuantizedTensor>> parse_metadata(const std::map<std::string, std::string>& metadata,
                                                             const std::string& file) {
  auto bad = [&](const std::string& tensor, const std::string& why) {
    return make_error(ErrorKind::BadInput, file, tensor, "ArrowQuant metadata: " + why);
  };
  if (!is_packed(metadata)) return bad("", "not an ArrowQuant packed file (no '" + std::string(kFormatKey) + "' metadata)");
  auto parsed = parse_strict_json(metadata.at(std::string(kSpecKey)), file, "ArrowQuant metadata");
  if (!parsed) return parsed.error();
  if (parsed->duplicate) return bad(parsed->duplicate->size() >= 2 ? (*parsed->duplicate)[1] : "",
                                    "duplicate key '" + parsed->duplicate->back() + "'");
  const json& spec = parsed->value;
  if (!spec.is_object()) return bad("", "the document is " + json_type_name(spec) + ", not an object");
  auto version = spec.find("format_version");
  if (version == spec.end()) return bad("", "no 'format_version'");
  if (!version->is_number_integer() || version->get<int64_t>() != kFormatVersion)
    return bad("", "format_version is " + (version->is_number() ? version->dump() : json_type_name(*version)) +
                       "; this version of ArrowQuant reads format_version " + std::to_string(kFormatVersion));
  auto tensors = spec.find("tensors");
  if (tensors == spec.end() || !tensors->is_object()) return bad("", "no 'tensors' object");
  std::map<std::string, QuantizedTensor> out;
  for (auto it = tensors->begin(); it != tensors->end(); ++it) {
    const std::string& name = it.key();
    if (name.size() > kMaxTensorNameBytes) return bad(name, "tensor name longer than " + std::to_string(kMaxTensorNameBytes) + " bytes");
    if (has_reserved_suffix(name)) return bad(name, "a quantized tensor's name may not end in a reserved suffix");
    std::string why;
    auto t = parse_tensor(name, *it, why);
    if (!t) return bad(name, why);
    out.emplace(name, std::move(*t));
  }
  return out;
}

}  // namespace aq::packed
