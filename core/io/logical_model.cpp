#include "io/logical_model.h"

#include <tbb/parallel_for.h>

#include <cstring>

#include "io/packed_format.h"
#include "quant/kernels.h"

namespace aq {
namespace {
bool ends_with(const std::string& s, std::string_view suffix) { return s.size() >= suffix.size() && s.ends_with(suffix); }
}  // namespace

Result<LogicalModel> LogicalModel::open(const std::filesystem::path& path) {
  auto source = open_model(path);
  if (!source) return source.error();
  LogicalModel m;
  m.source_ = std::move(*source);
  const auto& st = m.source_->tensors();
  m.packed_ = packed::is_packed(m.source_->metadata());
  if (!m.packed_) {
    for (std::size_t i = 0; i < st.size(); ++i)
      m.tensors_.push_back({st[i].name, st[i].dtype, st[i].shape, st[i].rows(), st[i].cols(), false, i});
    return m;
  }
  auto meta = packed::parse_metadata(m.source_->metadata(), path.string());
  if (!meta) return meta.error();
  const std::string file = path.string();
  for (std::size_t i = 0; i < st.size(); ++i) {
    const std::string& name = st[i].name;
    if (ends_with(name, packed::kScalesSuffix) || ends_with(name, packed::kZerosSuffix)) continue;
    if (!ends_with(name, packed::kCodesSuffix)) {
      m.tensors_.push_back({name, st[i].dtype, st[i].shape, st[i].rows(), st[i].cols(), false, i});
      continue;
    }
    const std::string base = name.substr(0, name.size() - packed::kCodesSuffix.size());
    auto it = meta->find(base);
    if (it == meta->end()) return make_error(ErrorKind::BadInput, file, base, "packed codes without metadata");
    const packed::QuantizedTensor& q = it->second;
    LogicalTensor t{base, q.dtype, q.shape, q.layout.rows, q.layout.cols, true, i};
    t.scheme = q.scheme;
    t.layout = q.layout;
    const auto scales = m.source_->find(base + std::string(packed::kScalesSuffix));
    if (scales < 0) return make_error(ErrorKind::BadInput, file, base, "missing scales tensor");
    t.scales = std::size_t(scales);
    t.zeros = q.scheme.symmetric ? -1 : m.source_->find(base + std::string(packed::kZerosSuffix));
    if (!q.scheme.symmetric && t.zeros < 0) return make_error(ErrorKind::BadInput, file, base, "missing zeros tensor");
    // The stored pieces must have exactly the sizes the metadata implies, or decoding would read
    // past them.
    const auto& l = q.layout;
    const bool sizes_ok = st[i].nbytes == l.codes_bytes && st[t.scales].nbytes == l.scales_bytes &&
                          st[i].rows() == l.rows && st[t.scales].rows() == l.rows &&
                          (t.zeros < 0 || (st[std::size_t(t.zeros)].nbytes == l.zeros_bytes && st[std::size_t(t.zeros)].rows() == l.rows));
    if (!sizes_ok) return make_error(ErrorKind::BadInput, file, base, "packed tensor sizes disagree with the metadata");
    m.tensors_.push_back(std::move(t));
  }
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
    return {};
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
  return {};
}

}  // namespace aq
