#include "io/packed_format.h"

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
                                                 const std::string& source_name) {
  nlohmann::ordered_json spec;
  spec["format_version"] = kFormatVersion;
  spec["tool"] = std::string("arrowquant ") + AQ_VERSION;
  spec["source"] = source_name;
  spec["tensors"] = nlohmann::ordered_json::object();
  for (const auto& t : tensors) spec["tensors"][t.name] = tensor_json(t);
  return {{std::string(kFormatKey), std::string(kFormatValue)}, {std::string(kSpecKey), spec.dump()}};
}

bool is_packed(const std::map<std::string, std::string>& metadata) {
  auto it = metadata.find(std::string(kFormatKey));
  return it != metadata.end() && it->second == kFormatValue && metadata.count(std::string(kSpecKey));
}

Result<std::map<std::string, QuantizedTensor>> parse_metadata(const std::map<std::string, std::string>& metadata,
                                                             const std::string& file) {
  auto bad = [&](const std::string& tensor, const std::string& why) {
    return make_error(ErrorKind::BadInput, file, tensor, "ArrowQuant metadata: " + why);
  };
  if (!is_packed(metadata)) return bad("", "not an ArrowQuant packed file (no '" + std::string(kFormatKey) + "' metadata)");
  const auto spec = nlohmann::json::parse(metadata.at(std::string(kSpecKey)), nullptr, false);
  if (spec.is_discarded() || !spec.is_object()) return bad("", "malformed JSON");
  if (spec.value("format_version", 0) != kFormatVersion)
    return bad("", "unsupported format_version " + spec.value("format_version", nlohmann::json()).dump());
  if (!spec.contains("tensors") || !spec["tensors"].is_object()) return bad("", "no 'tensors' object");
  std::map<std::string, QuantizedTensor> out;
  for (const auto& [name, j] : spec["tensors"].items()) {
    QuantizedTensor t;
    t.name = name;
    try {
      auto dtype = dtype_from_name(j.at("dtype").get<std::string>());
      if (!dtype) return bad(name, "unknown dtype");
      t.dtype = *dtype;
      t.shape = j.at("shape").get<std::vector<int64_t>>();
      t.scheme.bits = j.at("bits").get<int>();
      t.scheme.symmetric = j.at("symmetric").get<bool>();
      auto method = method_from_name(j.at("method").get<std::string>());
      if (!method) return bad(name, "unknown method");
      t.scheme.method = *method;
      const int64_t group = j.at("group_size").get<int64_t>();
      const int64_t rows = j.at("rows").get<int64_t>(), cols = j.at("cols").get<int64_t>();
      if (t.scheme.bits != 2 && t.scheme.bits != 3 && t.scheme.bits != 4 && t.scheme.bits != 8)
        return bad(name, "bits must be 2, 3, 4 or 8");
      if (rows < 0 || cols < 0 || group <= 0 || group > cols) return bad(name, "inconsistent rows/cols/group_size");
      t.scheme.group_size = int(group == cols ? 0 : group);
      t.layout = packed_layout(rows, cols, t.scheme);
    } catch (const nlohmann::json::exception& e) {
      return bad(name, std::string("missing or mistyped field: ") + e.what());
    }
    out.emplace(name, std::move(t));
  }
  return out;
}

}  // namespace aq::packed
