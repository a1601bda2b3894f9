#include "io/safetensors_layout.h"

#include <nlohmann/json.hpp>

namespace aq {

SafetensorsLayout layout_safetensors(const std::vector<SafetensorsEntry>& entries,
                                     const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json h = nlohmann::ordered_json::object();
  if (!metadata.empty()) h["__metadata__"] = metadata;
  uint64_t pos = 0;
  std::vector<uint64_t> rel;
  rel.reserve(entries.size());
  for (const auto& e : entries) {
    h[e.name] = {{"dtype", std::string(dtype_name(e.dtype))}, {"shape", e.shape}, {"data_offsets", {pos, pos + e.nbytes}}};
    rel.push_back(pos);
    pos += e.nbytes;
  }
  SafetensorsLayout layout;
  // Names from HDF5 files need not be UTF-8; the readers refuse those, and this never throws.
  layout.header = h.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  while (layout.header.size() % 8) layout.header += ' ';
  const uint64_t data_start = 8 + layout.header.size();
  for (uint64_t r : rel) layout.offsets.push_back(data_start + r);
  layout.file_size = data_start + pos;
  return layout;
}

Status write_safetensors_header(AtomicFile& file, const SafetensorsLayout& layout) {
  uint8_t len[8];
  const uint64_t n = layout.header.size();
  for (int i = 0; i < 8; ++i) len[i] = uint8_t(n >> (8 * i));
  if (auto s = file.write_at(len, 8, 0); !s) return s;
  return file.write_at(layout.header.data(), layout.header.size(), 8);
}

}  // namespace aq
