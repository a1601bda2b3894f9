#include "io/hdf5_packed_reader.h"

#include <climits>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/hdf5_types.h"
#include "io/packed_format.h"
#include "quant/scheme_traits.h"

namespace aq::hdf5_detail {
namespace {

// The dtype a kept tensor's `data` dataset is stored as (hdf5_packed_writer.cpp's file_type_of).
DType stored_dtype(DType d) {
  switch (d) {
    case DType::BF16: return DType::U16;  // bit patterns
    case DType::BOOL:
    case DType::F8_E4M3:
    case DType::F8_E5M2: return DType::U8;  // raw bytes
    default: return d;
  }
}

// Opens dataset `child` of tensor group `g` and checks it holds `want` elements of `shape`.
Verdict packed_piece(Collector& c, hid_t g, const std::string& tensor, const char* child,
                     const std::string& piece_name, DType want, const std::vector<int64_t>& shape, DType shown_as) {
  const std::string where = "dataset '" + std::string(child) + "'";
  const htri_t exists = H5Lexists(g, child, H5P_DEFAULT);
  if (exists <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return c.fail(tensor, "ArrowQuant HDF5 tensor group has no " + where);
  }
  const hid_t ds = H5Dopen2(g, child, H5P_DEFAULT);
  if (ds < 0) return c.fail(tensor, where + " cannot be opened (corrupt file?): " + hdf5_errors());
  Found f;
  f.dataset = ds;
  std::string why;
  const std::string label = tensor + "/" + child;
  Verdict v = inspect_dataset(ds, f, why);
  if (v == Verdict::Fatal) c.fail(label, why);  // the dataset's own defects name the dataset
  if (v == Verdict::Skip) v = c.fail(tensor, where + " cannot be read: " + why);
  if (v == Verdict::Tensor && f.info.dtype != want)
    v = c.fail(tensor, where + " holds " + std::string(dtype_name(f.info.dtype)) + " elements, expected " +
                         std::string(dtype_name(want)));
  if (v == Verdict::Tensor && f.info.shape != shape) {
    TensorInfo expected;
    expected.shape = shape;
    v = c.fail(tensor, where + " has shape " + f.info.shape_string() + ", expected " + expected.shape_string() +
                         " from the group's attributes");
  }
  if (v != Verdict::Tensor) {
    close_ids(f);
    return v;
  }
  f.info.name = piece_name;
  f.info.dtype = shown_as;  // same element size as `want`
  c.used_datasets.insert(label);
  c.found.push_back(std::move(f));
  return Verdict::Tensor;
}

}  // namespace

Result<bool> is_packed_file(hid_t file_id, const std::filesystem::path& file) {
  Hdf5IdGuard root{H5Gopen2(file_id, "/", H5P_DEFAULT), H5Gclose};
  if (root.id < 0)
    return make_error(ErrorKind::BadInput, file.string(), "", "cannot open the root group: " + hdf5_errors());
  std::string why;
  bool packed = false;
  if (hdf5_has_attr(root.id, std::string(packed::kFormatKey).c_str())) {
    const auto format = hdf5_string_attr(root.id, std::string(packed::kFormatKey).c_str(), why);
    packed = format && *format == packed::kFormatValue;
  }
  if (!packed) return false;
  const auto version = hdf5_int_attr(root.id, "format_version", why);
  if (!version)
    return make_error(ErrorKind::BadInput, file.string(), "",
                      "ArrowQuant HDF5 file: root attribute 'format_version' " + why);
  if (*version != packed::kFormatVersion)
    return make_error(ErrorKind::BadInput, file.string(), "",
                      "ArrowQuant HDF5 file: unsupported format_version " + std::to_string(*version) +
                          " (this build reads version " + std::to_string(packed::kFormatVersion) + ")");
  return true;
}

void add_packed_group(Collector& c, hid_t loc, const char* name) {
  if (std::string_view(name) == ".") return;  // the root itself
  if (std::strlen(name) > kMaxNameBytes) {
    c.fail(std::string(name, 64) + "...", "a group path longer than " + std::to_string(kMaxNameBytes) + " bytes");
    return;
  }
  Hdf5IdGuard g{H5Gopen2(loc, name, H5P_DEFAULT), H5Gclose};
  if (g.id < 0) {
    c.fail(name, "the group cannot be opened (corrupt file?): " + hdf5_errors());
    return;
  }
  if (!hdf5_has_attr(g.id, "kind")) return;  // an intermediate group of a name with '/'
  const std::string tensor = name;
  std::string why;
  auto bad = [&](const char* field, const std::string& what) {
    c.fail(tensor, std::string("ArrowQuant HDF5 attribute '") + field + "' " + what);
  };

  const auto kind = hdf5_string_attr(g.id, "kind", why);
  if (!kind) return bad("kind", why);
  if (*kind != "quantized" && *kind != "kept") return bad("kind", "is '" + *kind + "', not 'quantized' or 'kept'");
  const auto dtype_s = hdf5_string_attr(g.id, "dtype", why);
  if (!dtype_s) return bad("dtype", why);
  const auto dtype = dtype_from_name(*dtype_s);
  if (!dtype) return bad("dtype", "is '" + *dtype_s + "', not a known dtype");
  const auto shape = hdf5_int_array_attr(g.id, "shape", kMaxRank, why);
  if (!shape) return bad("shape", why);
  int64_t numel = 1;
  for (int64_t d : *shape) {
    if (d < 0) return bad("shape", "has a negative dimension (" + std::to_string(d) + ")");
    if (__builtin_mul_overflow(numel, d, &numel)) return bad("shape", "has an element count that overflows");
  }
  uint64_t nbytes = 0;
  if (__builtin_mul_overflow(uint64_t(numel), uint64_t(dtype_size(*dtype)), &nbytes) || nbytes > kMaxTensorBytes)
    return bad("shape", "declares more than 2^62 bytes");
  // The row view of TensorInfo: rows = shape[0] for rank >= 2, else one row.
  const int64_t rows = shape->size() >= 2 ? (*shape)[0] : 1;
  const int64_t cols = rows == 0 ? 0 : numel / rows;
  int64_t check = 0;
  if (__builtin_mul_overflow(rows, cols, &check) || check != numel)
    return bad("shape", "does not factor into rows x cols");

  if (*kind == "kept") {
    packed_piece(c, g.id, tensor, "data", tensor, stored_dtype(*dtype), *shape, *dtype);
    return;
  }

  if (!is_quantizable(*dtype)) return bad("dtype", "is " + *dtype_s + ", which ArrowQuant never quantizes");
  packed::QuantizedTensor q;
  q.name = tensor;
  q.dtype = *dtype;
  q.shape = *shape;
  const auto bits = hdf5_int_attr(g.id, "bits", why);
  if (!bits) return bad("bits", why);
  if (*bits < 0 || *bits > 64 || !find_scheme(int(*bits)))
    return bad("bits", "is " + std::to_string(*bits) + ", not " + supported_bits_text());
  const auto group = hdf5_int_attr(g.id, "group_size", why);
  if (!group) return bad("group_size", why);
  if (cols < 1) return bad("shape", "has no columns, but the tensor is quantized");
  if (*group < 1 || *group > cols)
    return bad("group_size", "is " + std::to_string(*group) + ", not in [1, " + std::to_string(cols) + "]");
  if (*group != cols && *group > INT_MAX) return bad("group_size", "is too large");
  const auto symmetric = hdf5_int_attr(g.id, "symmetric", why);
  if (!symmetric) return bad("symmetric", why);
  if (*symmetric != 0 && *symmetric != 1) return bad("symmetric", "is " + std::to_string(*symmetric) + ", not 0 or 1");
  const auto method_s = hdf5_string_attr(g.id, "method", why);
  if (!method_s) return bad("method", why);
  const auto method = method_from_name(*method_s);
  if (!method) return bad("method", "is '" + *method_s + "', not 'minmax' or 'search'");
  q.scheme.bits = int(*bits);
  q.scheme.group_size = *group == cols ? 0 : int(*group);
  q.scheme.symmetric = *symmetric == 1;
  q.scheme.method = *method;
  // Every size of the packed layout with checked arithmetic, and each plane under the reader's cap.
  const auto layout = checked_packed_layout(rows, cols, q.scheme);
  if (!layout || layout->codes_bytes > kMaxTensorBytes || layout->scales_bytes > kMaxTensorBytes)
    return bad("shape", "gives packed sizes that overflow");
  q.layout = *layout;

  const std::vector<int64_t> codes_shape{rows, q.layout.row_bytes};
  const std::vector<int64_t> scales_shape{rows, q.layout.groups_per_row};
  if (packed_piece(c, g.id, tensor, "codes", tensor + std::string(packed::kCodesSuffix), DType::U8, codes_shape,
                   DType::U8) != Verdict::Tensor ||
      packed_piece(c, g.id, tensor, "scales", tensor + std::string(packed::kScalesSuffix), DType::F16, scales_shape,
                   DType::F16) != Verdict::Tensor)
    return;
  if (!q.scheme.symmetric) {
    if (packed_piece(c, g.id, tensor, "zeros", tensor + std::string(packed::kZerosSuffix), DType::F16, scales_shape,
                     DType::F16) != Verdict::Tensor)
      return;
  } else if (H5Lexists(g.id, "zeros", H5P_DEFAULT) > 0) {
    return bad("symmetric", "is 1, but the group has a 'zeros' dataset");
  }
  H5Eclear2(H5E_DEFAULT);
  c.quantized.push_back(std::move(q));
}

}  // namespace aq::hdf5_detail
