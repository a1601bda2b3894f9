#include "io/logical_model.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "gguf/ggml_types.h"
#include "io/packed_format.h"
#include "quant/kernels.h"
#include "quant/scheme_traits.h"

namespace aq {
Result<LogicalModel> LogicalModel::open(const std::filesystem::path& path, const OpenOptions& options) {
  auto source = open_model(path, options);
  if (!source) return source.error();
  LogicalModel m;
  m.source_ = std::move(*source);
  const auto& st = m.source_->tensors();
  m.packed_ = packed::is_packed(m.source_->metadata());
  const bool ggml = std::any_of(st.begin(), st.end(), [](const TensorInfo& t) { return t.ggml_type >= 0; });
  auto plain = [&](std::size_t i) {
    LogicalTensor t;
    t.name = st[i].name;
    t.dtype = st[i].dtype;
    t.shape = st[i].shape;
    t.rows = st[i].rows();
    t.cols = st[i].cols();
    t.data = i;
    return t;
  };
  if (ggml) {  // a GGUF file: its block-quantized tensors decode row by row
    m.packed_ = true;
    for (std::size_t i = 0; i < st.size(); ++i) {
      LogicalTensor t = plain(i);
      if (st[i].ggml_type >= 0) {
        t.quantized = true;
        t.dtype = DType::F16;  // GGUF does not record what the weights were before
        t.scheme.ggml_type = st[i].ggml_type;
        t.layout = packed_layout(t.rows, t.cols, t.scheme);
      }
      m.tensors_.push_back(std::move(t));
    }
    return m;
  }
  if (!m.packed_) {
    for (std::size_t i = 0; i < st.size(); ++i) m.tensors_.push_back(plain(i));
    return m;
  }
  auto meta = packed::parse_metadata(m.source_->metadata(), path.string());
  if (!meta) return meta.error();
  const std::string file = path.string();
  auto bad = [&](const std::string& tensor, const std::string& why) {
    return make_error(ErrorKind::BadInput, file, tensor, why);
  };
  // Each stored piece must have exactly the dtype and shape the metadata implies, or decoding
  // would read past it or mean something else.
  auto piece = [&](const std::string& base, std::string_view suffix, DType dtype, int64_t rows, int64_t cols,
                   std::ptrdiff_t& index) -> Status {
    const std::string name = base + std::string(suffix);
    index = m.source_->find(name);
    if (index < 0) return bad(base, "the metadata lists it as quantized, but '" + name + "' is missing");
    const TensorInfo& t = st[std::size_t(index)];
    if (t.dtype != dtype || t.shape != std::vector<int64_t>{rows, cols})
      return bad(base, "'" + name + "' is " + std::string(dtype_name(t.dtype)) + " " + t.shape_string() +
                           ", but the metadata implies " + std::string(dtype_name(dtype)) + " [" +
                           std::to_string(rows) + ", " + std::to_string(cols) + "]");
    return {};
  };
  std::set<std::string> names;
  for (std::size_t i = 0; i < st.size(); ++i) {
    const std::string& name = st[i].name;
    if (!packed::has_reserved_suffix(name)) {
      if (meta->count(name)) return bad(name, "stored plainly, yet the metadata lists it as quantized");
      names.insert(name);
      m.tensors_.push_back(plain(i));
      continue;
    }
    // A piece must belong to a tensor the metadata lists, and be a piece its scheme has.
    const std::string_view suffix = name.ends_with(packed::kCodesSuffix)    ? packed::kCodesSuffix
                                    : name.ends_with(packed::kScalesSuffix) ? packed::kScalesSuffix
                                                                            : packed::kZerosSuffix;
    const std::string base = name.substr(0, name.size() - suffix.size());
    auto it = meta->find(base);
    if (it == meta->end())
      return bad(name, "the name ends in the reserved '" + std::string(suffix) +
                           "' but no quantized tensor '" + base + "' is listed in the metadata");
    if (suffix == packed::kZerosSuffix && it->second.scheme.symmetric)
      return bad(base, "zero points stored for a tensor the metadata calls symmetric");
  }
  for (const auto& [base, q] : *meta) {
    if (!names.insert(base).second) return bad(base, "the name is used twice");
    LogicalTensor t;
    t.name = base;
    t.dtype = q.dtype;
    t.shape = q.shape;
    t.rows = q.layout.rows;
    t.cols = q.layout.cols;
    t.quantized = true;
    t.scheme = q.scheme;
    t.layout = q.layout;
    std::ptrdiff_t found[3] = {-1, -1, -1};  // source index of each plane, in packed_planes() order
    const auto planes = packed_planes(q.layout, q.scheme);
    for (std::size_t i = 0; i < planes.size(); ++i)
      if (auto s = piece(base, planes[i].suffix, planes[i].dtype, planes[i].rows, planes[i].per_row, found[i]); !s)
        return s.error();
    t.data = std::size_t(found[0]);
    t.scales = std::size_t(found[1]);
    t.zeros = found[2];
    m.tensors_.push_back(std::move(t));
  }
  // Back to the file's order (by the stored data), as the source lists its tensors.
  std::stable_sort(m.tensors_.begin(), m.tensors_.end(),
                   [](const LogicalTensor& a, const LogicalTensor& b) { return a.data < b.data; });
  return m;
}

const LogicalTensor* LogicalModel::find(const std::string& name) const {
  for (const auto& t : tensors_)
    if (t.name == name) return &t;
  return nullptr;
}

Status LogicalModel::read_float_rows(const LogicalTensor& t, int64_t r0, int64_t r1, std::vector<float>& out) const {
  const KernelSet& k = best_kernels();
  out.resize(std::size_t((r1 - r0) * t.cols));
  std::vector<std::byte> s1, s2, s3;
  auto data = source_->read_rows(t.data, r0, r1, s1);
  if (!data) return data.error();
  if (!t.quantized) {
    if (!is_quantizable(t.dtype))
      return make_error(ErrorKind::Unsupported, source_->path().string(), t.name,
                        std::string(dtype_name(t.dtype)) + " is not a float tensor");
    k.to_f32(t.dtype, *data, out.data(), int64_t(out.size()));
    return source_->check_read(t.data);
  }
  if (t.scheme.is_ggml()) {
    const auto* type = gguf::find_type(gguf::GgmlType(t.scheme.ggml_type));
    const auto* blocks = reinterpret_cast<const uint8_t*>(*data);
    tbb::parallel_for(int64_t(0), r1 - r0, [&](int64_t r) {
      type->dequantize(blocks + r * t.layout.row_bytes, t.cols, out.data() + r * t.cols);
    });
    return source_->check_read(t.data);
  }
  auto scales = source_->read_rows(t.scales, r0, r1, s2);
  if (!scales) return scales.error();
  const std::byte* zeros = nullptr;
  if (t.zeros >= 0) {
    auto z = source_->read_rows(std::size_t(t.zeros), r0, r1, s3);
    if (!z) return z.error();
    zeros = *z;
  }
  const PackedLayout& l = t.layout;
  // Scales and zeros may sit at odd offsets in the file: copy them to aligned storage.
  const std::size_t n_groups = std::size_t((r1 - r0) * l.groups_per_row);
  std::vector<uint16_t> sc_buf(n_groups), zc_buf(zeros ? n_groups : 0);
  std::memcpy(sc_buf.data(), *scales, n_groups * 2);
  if (zeros) std::memcpy(zc_buf.data(), zeros, n_groups * 2);
  const auto* codes = reinterpret_cast<const uint8_t*>(*data);
  const uint16_t* sc = sc_buf.data();
  const uint16_t* zc = zeros ? zc_buf.data() : nullptr;
  tbb::parallel_for(int64_t(0), r1 - r0, [&](int64_t r) {
    k.dequantize_row(codes + r * l.row_bytes, sc + r * l.groups_per_row, zc ? zc + r * l.groups_per_row : nullptr,
                     l.cols, t.scheme, out.data() + r * l.cols);
  });
  return source_->check_read(t.data);  // codes, scales and zeros live in one file
}

}  // namespace aq
