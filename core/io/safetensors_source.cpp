#include "io/safetensors_source.h"

namespace aq {

Result<std::unique_ptr<SafetensorsSource>> SafetensorsSource::open(const std::filesystem::path& file) {
  std::unique_ptr<SafetensorsSource> src(new SafetensorsSource());
  src->path_ = file;
  if (Status s = src->add_file(file, "", ""); !s) return s.error();
  return src;
}

Result<SafetensorsHeader> SafetensorsSource::map_file(const std::filesystem::path& file) {
  auto map = MappedFile::open(file);
  if (!map) return map.error();
  auto header = parse_safetensors_header((*map)->data(), (*map)->size(), file.string(),
                                         uint32_t(files_.size()));
  if (!header) return header.error();
  if (files_.empty()) metadata_ = header->metadata;
  add_mapping(file, std::move(*map));
  return header;
}

Status SafetensorsSource::add_file(const std::filesystem::path& file, const std::string& prefix,
                                   const std::string& component) {
  auto header = map_file(file);
  if (!header) return header.error();
  for (TensorInfo& t : header->tensors) {
    t.name = prefix + t.name;
    t.component = component;
    tensors_.push_back(std::move(t));
  }
  return {};
}

}  // namespace aq
