#include "io/gguf_source.h"

#include <algorithm>
#include <fstream>

#include "gguf/gguf_file.h"
#include "gguf/gguf_names.h"

namespace aq {
namespace {

// The original shape recorded for a folded tensor, if the record is sound.
std::optional<std::vector<int64_t>> recorded_shape(const gguf::Header& h, const gguf::TensorEntry& t) {
  const std::string key = gguf::orig_shape_key(t.name);
  for (const auto& [k, v] : h.metadata) {
    if (k != key || v.type != gguf::ValueType::ARRAY || v.elements.empty() || v.elements.size() > 16) continue;
    std::vector<int64_t> shape;
    int64_t n = 1, stored = 1;
    for (const auto& e : v.elements) {
      if (!std::holds_alternative<int64_t>(e.scalar) && !std::holds_alternative<uint64_t>(e.scalar)) return std::nullopt;
      const int64_t d = std::holds_alternative<int64_t>(e.scalar) ? std::get<int64_t>(e.scalar) : int64_t(std::get<uint64_t>(e.scalar));
      if (d <= 0 || __builtin_mul_overflow(n, d, &n)) return std::nullopt;
      shape.push_back(d);
    }
    for (int64_t d : t.shape) stored *= d;
    // The innermost dimension must stay, so the blocks still lie along it.
    if (n != stored || shape.back() != t.shape.back()) return std::nullopt;
    return shape;
  }
  return std::nullopt;
}

}  // namespace

bool has_gguf_magic(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return false;
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::string_view(magic, 4) == "GGUF";
}

Result<std::unique_ptr<GgufSource>> GgufSource::open(const std::filesystem::path& file) {
  std::unique_ptr<GgufSource> src(new GgufSource());
  src->path_ = file;
  auto map = MappedFile::open(file);
  if (!map) return map.error();
  auto header = gguf::parse_header((*map)->data(), (*map)->size(), file.string());
  if (!header) return header.error();
  const uint32_t index = src->add_mapping(file, std::move(*map));
  for (const auto& [key, value] : header->metadata)
    if (value.type != gguf::ValueType::ARRAY || key.rfind("comfy.gguf.orig_shape.", 0) == 0) src->metadata_[key] = value.text();
  for (const auto& e : header->tensors) {
    TensorInfo t;
    t.name = e.name;
    t.shape = recorded_shape(*header, e).value_or(e.shape);
    t.file_index = index;
    t.offset = header->data_begin + e.offset;
    t.nbytes = e.bytes;
    if (const auto dtype = gguf::dtype_for(e.type)) {
      t.dtype = *dtype;
    } else {
      t.dtype = DType::U8;
      t.ggml_type = int(e.type);
      t.stored_row_bytes = e.bytes / uint64_t(std::max<int64_t>(1, t.rows()));
    }
    src->tensors_.push_back(std::move(t));
  }
  if (src->tensors_.empty()) return make_error(ErrorKind::BadInput, file.string(), "", "the file holds no tensors");
  src->sort_tensors();
  return src;
}

bool GgufSource::quantized() const {
  return std::any_of(tensors_.begin(), tensors_.end(), [](const TensorInfo& t) { return t.ggml_type >= 0; });
}

}  // namespace aq
