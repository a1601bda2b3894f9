// The quantized model as HDF5, for h5py users: one group per tensor.
//   quantized: one dataset per plane of the packed layout (quant/scheme_traits.h: codes uint8
//   [rows, row_bytes], scales and zeros float16 [rows, groups]),
//              attributes kind="quantized", bits, group_size, symmetric, method, dtype, shape
//   kept:      dataset data (original dtype and shape; BF16 as uint16), attributes kind="kept", dtype, shape
// The file's root carries format="arrowquant", format_version and tool.
#include <hdf5.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "io/atomic_file.h"
#include "io/hdf5_lock.h"
#include "io/hdf5_types.h"
#include "io/model_source.h"
#include "io/packed_format.h"
#include "io/packed_writer.h"
#include "plan/plan.h"
#include "quant/scheme_traits.h"

namespace aq {
namespace {

hid_t float16_type() {
  hid_t t = H5Tcopy(H5T_IEEE_F32LE);
  H5Tset_fields(t, 15, 10, 5, 0, 10);
  H5Tset_size(t, 2);
  H5Tset_ebias(t, 15);
  return t;
}

hid_t file_type_of(DType d, hid_t f16) {
  switch (d) {
    case DType::F64: return H5T_IEEE_F64LE;
    case DType::F32: return H5T_IEEE_F32LE;
    case DType::F16: return f16;
    case DType::BF16: return H5T_STD_U16LE;
    case DType::I64: return H5T_STD_I64LE;
    case DType::I32: return H5T_STD_I32LE;
    case DType::I16: return H5T_STD_I16LE;
    case DType::I8: return H5T_STD_I8LE;
    case DType::U64: return H5T_STD_U64LE;
    case DType::U32: return H5T_STD_U32LE;
    case DType::U16: return H5T_STD_U16LE;
    default: return H5T_STD_U8LE;  // U8, BOOL, F8 variants: raw bytes
  }
}

void set_attr_string(hid_t obj, const char* name, const std::string& value) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, value.empty() ? 1 : value.size());
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name, t, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, t, value.empty() ? "" : value.c_str());
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(t);
}

void set_attr_int64s(hid_t obj, const char* name, const std::vector<int64_t>& v) {
  const hsize_t n = v.size();
  hid_t space = v.empty() ? H5Screate(H5S_NULL) : H5Screate_simple(1, &n, nullptr);
  hid_t a = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  if (!v.empty()) H5Awrite(a, H5T_NATIVE_INT64, v.data());
  H5Aclose(a);
  H5Sclose(space);
}

void set_attr_int(hid_t obj, const char* name, int64_t v) {
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_INT64, &v);
  H5Aclose(a);
  H5Sclose(space);
}

struct TensorDatasets {
  std::vector<hid_t> planes;       // quantized: one [rows, per_row] dataset per packed plane, in order
  std::vector<hid_t> plane_types;  // their memory types
  hid_t data = -1;                 // kept: the tensor as it is
  hid_t data_mem_type = -1;        // kept tensors: the file type, so bytes are copied unconverted
  int rank = 0;                    // of `data`
};

hid_t make_dataset(hid_t group, const char* name, hid_t type, const std::vector<hsize_t>& dims) {
  hid_t space = dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(int(dims.size()), dims.data(), nullptr);
  hid_t ds = H5Dcreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Sclose(space);
  return ds;
}

// Rows [r0, r1) along dim 0; datasets of rank <= 1 are one row and are written whole. On failure
// the HDF5 error stack is captured into `err` right away, before closing the dataspaces clears it.
bool write_rows(hid_t ds, hid_t mem_type, int rank, int64_t r0, int64_t r1, const void* buf, Hdf5ErrorInfo& err) {
  if (rank <= 1) {
    if (H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0) return true;
    err = hdf5_error_info();
    return false;
  }
  hid_t fspace = H5Dget_space(ds);
  if (fspace < 0 || H5Sget_simple_extent_ndims(fspace) != rank) {
    err = hdf5_error_info();
    if (fspace >= 0) H5Sclose(fspace);
    return false;
  }
  std::vector<hsize_t> dims(std::size_t(rank), 0);
  H5Sget_simple_extent_dims(fspace, dims.data(), nullptr);
  std::vector<hsize_t> start(std::size_t(rank), 0), count(dims);
  start[0] = hsize_t(r0);
  count[0] = hsize_t(r1 - r0);
  hid_t mspace = -1;
  bool ok = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) >= 0 &&
            (mspace = H5Screate_simple(rank, count.data(), nullptr)) >= 0 &&
            H5Dwrite(ds, mem_type, mspace, fspace, H5P_DEFAULT, buf) >= 0;
  if (!ok) err = hdf5_error_info();
  if (mspace >= 0) H5Sclose(mspace);
  H5Sclose(fspace);
  return ok;
}

// What a failed write of the output means, from the errno the library saw.
std::string write_failure(const Hdf5ErrorInfo& err) {
  switch (err.sys_errno) {
    case ENOSPC: return "HDF5 write failed: no space left on the disk";
    case EDQUOT: return "HDF5 write failed: disk quota exceeded";
    case EFBIG: return "HDF5 write failed: the file would exceed the file size limit (ulimit -f) or the file system's";
    case EIO: return "HDF5 write failed: input/output error on the disk";
    default: return "HDF5 write failed: " + err.text;
  }
}

class Hdf5PackedWriter final : public PackedWriter {
 public:
  explicit Hdf5PackedWriter(AtomicFile file) : file_(std::move(file)), out_(file_.destination().string()) {}
  ~Hdf5PackedWriter() override { abort(); }

  /// Creates the file, its groups, attributes and datasets. Caller holds hdf5_mutex().
  Status create(const ModelSource& source, const Plan& plan);

  Status write_block(std::size_t t, int64_t r0, int64_t r1, const BlockData& d) override {
    Hdf5ErrorInfo err;
    bool ok;
    {
      Hdf5Lock lock;
      const TensorDatasets& s = sets_[t];
      if (d.raw) {
        ok = write_rows(s.data, s.data_mem_type, s.rank, r0, r1, d.raw, err);
      } else {
        ok = true;
        for (std::size_t i = 0; ok && i < s.planes.size(); ++i)
          ok = write_rows(s.planes[i], s.plane_types[i], 2, r0, r1, d.plane(i), err);
      }
    }
    if (ok) return {};
    // EFAULT: the kernel could not read the bytes handed to write(). They come straight from the
    // input (a kept tensor's rows in the memory-mapped model), so the input file shrank under us:
    // an input problem, not a full disk.
    if (err.sys_errno == EFAULT)
      return make_error(ErrorKind::Io, inputs_[t], names_[t],
                        "the input data of this tensor could not be read while writing it to " + out_ +
                            " (the input file was truncated or changed while it was being read)");
    return make_error(ErrorKind::Io, out_, names_[t], write_failure(err));
  }

  Result<uint64_t> commit() override {
    bool closed;
    Hdf5ErrorInfo err;
    {
      Hdf5Lock lock;
      closed = close_all(&err);
    }
    if (!closed) {
      file_.abort();
      return make_error(ErrorKind::Io, out_, "", "cannot finish the HDF5 file: " + write_failure(err));
    }
    if (auto s = file_.commit(); !s) return s.error();
    std::error_code ec;
    return uint64_t(std::filesystem::file_size(file_.destination(), ec));
  }

  void abort() override {
    {
      Hdf5Lock lock;
      close_all(nullptr);
    }
    file_.abort();
  }

 private:
  // Closes every id; false if any close failed (the first failure's errors go to `err`).
  bool close_all(Hdf5ErrorInfo* err) {
    bool ok = true;
    auto check = [&](herr_t rc) {
      if (rc >= 0) return;
      if (ok && err) *err = hdf5_error_info();
      H5Eclear2(H5E_DEFAULT);
      ok = false;
    };
    for (auto& s : sets_) {
      for (hid_t& h : s.planes)
        if (h >= 0) { check(H5Dclose(h)); h = -1; }
      if (s.data >= 0) { check(H5Dclose(s.data)); s.data = -1; }
    }
    if (f16_ >= 0) { check(H5Tclose(f16_)); f16_ = -1; }
    if (h5_ >= 0) { check(H5Fclose(h5_)); h5_ = -1; }
    return ok;
  }

  AtomicFile file_;
  std::string out_;
  hid_t h5_ = -1;
  hid_t f16_ = -1;
  std::vector<TensorDatasets> sets_;
  std::vector<std::string> names_;
  std::vector<std::string> inputs_;  // the input file each tensor's data comes from
};

Status Hdf5PackedWriter::create(const ModelSource& source, const Plan& plan) {
  h5_ = H5Fcreate(file_.temp_path().c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
  if (h5_ < 0) return make_error(ErrorKind::Io, out_, "", "cannot create the HDF5 file: " + write_failure(hdf5_error_info()));
  f16_ = float16_type();

  hid_t root = H5Gopen2(h5_, "/", H5P_DEFAULT);
  set_attr_string(root, "format", std::string(packed::kFormatValue));
  set_attr_int(root, "format_version", packed::kFormatVersion);
  set_attr_string(root, "tool", std::string("arrowquant ") + AQ_VERSION);
  H5Gclose(root);

  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  const auto& tensors = source.tensors();
  sets_.resize(tensors.size());
  names_.resize(tensors.size());
  inputs_.resize(tensors.size());
  Status status;
  for (const auto& tp : plan.tensors) {
    const TensorInfo& t = tensors[tp.index];
    names_[tp.index] = t.name;
    inputs_[tp.index] = t.file_index < source.files().size() ? source.files()[t.file_index].string()
                                                              : source.path().string();
    std::string path = t.name;
    while (!path.empty() && path.front() == '/') path.erase(path.begin());
    hid_t g = H5Gcreate2(h5_, path.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) {
      status = make_error(ErrorKind::BadInput, out_, t.name, "cannot create an HDF5 group for this tensor name");
      break;
    }
    TensorDatasets& s = sets_[tp.index];
    set_attr_string(g, "dtype", std::string(dtype_name(t.dtype)));
    set_attr_int64s(g, "shape", t.shape);
    set_attr_string(g, "reason", tp.reason);
    if (tp.quantized()) {
      const PackedLayout& l = tp.layout;
      set_attr_string(g, "kind", "quantized");
      set_attr_int(g, "bits", tp.scheme.bits);
      set_attr_int(g, "group_size", l.group);
      set_attr_int(g, "symmetric", tp.scheme.symmetric ? 1 : 0);
      set_attr_string(g, "method", std::string(method_name(tp.scheme.method)));
      // One dataset per plane of the scheme's layout, named by its role (codes, scales, zeros).
      for (const Plane& plane : packed_planes(l, tp.scheme)) {
        const bool f16 = plane.dtype == DType::F16;
        const std::string name(plane.role);
        s.planes.push_back(make_dataset(g, name.c_str(), f16 ? f16_ : H5T_STD_U8LE,
                                        {hsize_t(plane.rows), hsize_t(plane.per_row)}));
        s.plane_types.push_back(f16 ? f16_ : H5T_NATIVE_UINT8);
      }
    } else {
      set_attr_string(g, "kind", "kept");
      const std::vector<hsize_t> dims(t.shape.begin(), t.shape.end());
      s.data_mem_type = file_type_of(t.dtype, f16_);
      s.data = make_dataset(g, "data", s.data_mem_type, dims);
      s.rank = int(dims.size());
    }
    H5Gclose(g);
    const bool missing = tp.quantized() ? std::find(s.planes.begin(), s.planes.end(), hid_t(-1)) != s.planes.end()
                                        : s.data < 0;
    if (missing) {
      status = make_error(ErrorKind::Io, out_, t.name, "cannot create the HDF5 dataset: " + hdf5_errors());
      break;
    }
  }
  H5Pclose(lcpl);
  return status;
}

}  // namespace

Result<std::unique_ptr<PackedWriter>> open_hdf5_writer(const std::filesystem::path& output,
                                                       const ModelSource& source, const Plan& plan) {
  auto file = AtomicFile::create(output, /*open_fd=*/false);
  if (!file) return file.error();
  auto writer = std::make_unique<Hdf5PackedWriter>(std::move(*file));
  Status status;
  {
    Hdf5Lock lock;
    status = writer->create(source, plan);
  }
  if (!status) return status.error();  // the writer's destructor removes the partial file
  return std::unique_ptr<PackedWriter>(std::move(writer));
}

}  // namespace aq
