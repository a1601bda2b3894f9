#include "io/hdf5_source.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <system_error>
#include <type_traits>

#include <hdf5.h>

#include "io/hdf5_lock.h"
#include "io/hdf5_types.h"

namespace aq {

static_assert(std::is_same_v<hid_t, int64_t>, "hdf5_source.h stores hid_t as int64_t");

namespace {

// A dataset found in the walk and accepted as a tensor.
struct Found {
  TensorInfo info;
  hid_t dataset;
  hid_t memtype;
  haddr_t addr;  // HADDR_UNDEF unless stored contiguously
};

struct Walk {
  std::vector<Found> found;
  std::vector<std::string> warnings;

  void skip(const char* name, const std::string& why) {
    warnings.push_back(std::string("dataset '") + name + "' skipped: " + why);
  }

  // Filters such as szip may be missing from this build; then the data cannot be read.
  bool filters_available(hid_t ds, const char* name) {
    Hdf5IdGuard dcpl{H5Dget_create_plist(ds), H5Pclose};
    if (dcpl.id < 0) return true;
    const int n = H5Pget_nfilters(dcpl.id);
    for (int i = 0; i < n; ++i) {
      unsigned flags = 0, config = 0;
      std::array<unsigned, 16> cd{};
      std::size_t cd_n = cd.size();
      std::array<char, 64> fname{};
      const H5Z_filter_t id = H5Pget_filter2(dcpl.id, unsigned(i), &flags, &cd_n, cd.data(),
                                             fname.size(), fname.data(), &config);
      if (id < 0 || H5Zfilter_avail(id) <= 0) {
        skip(name, "it is compressed with filter " + std::to_string(id) + " (" + fname.data() +
                       "), which this HDF5 library lacks");
        return false;
      }
    }
    return true;
  }

  void add(hid_t loc, const char* name) {
    const hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    if (ds < 0) return skip(name, "it cannot be opened: " + hdf5_errors());
    Hdf5IdGuard ds_guard{ds, H5Dclose};
    Hdf5IdGuard ftype{H5Dget_type(ds), H5Tclose};
    if (ftype.id < 0) return skip(name, "its datatype cannot be read: " + hdf5_errors());
    std::string why;
    const auto dtype = hdf5_dtype(ftype.id, why);
    if (!dtype) return skip(name, why);

    Hdf5IdGuard space{H5Dget_space(ds), H5Sclose};
    if (space.id < 0) return skip(name, "its dataspace cannot be read: " + hdf5_errors());
    const H5S_class_t sclass = H5Sget_simple_extent_type(space.id);
    if (sclass != H5S_SCALAR && sclass != H5S_SIMPLE) return skip(name, "it has no data (null dataspace)");
    const int rank = H5Sget_simple_extent_ndims(space.id);
    if (rank < 0) return skip(name, "its dataspace cannot be read: " + hdf5_errors());
    std::vector<hsize_t> dims(std::size_t(rank), 0);
    if (rank > 0 && H5Sget_simple_extent_dims(space.id, dims.data(), nullptr) < 0)
      return skip(name, "its dimensions cannot be read: " + hdf5_errors());

    Found f;
    f.info.name = name;
    f.info.dtype = *dtype;
    int64_t numel = 1;
    for (hsize_t d : dims) {
      if (d > hsize_t(INT64_MAX) || __builtin_mul_overflow(numel, int64_t(d), &numel))
        return skip(name, "its element count overflows");
      f.info.shape.push_back(int64_t(d));
    }
    if (__builtin_mul_overflow(uint64_t(numel), uint64_t(dtype_size(*dtype)), &f.info.nbytes))
      return skip(name, "its byte size overflows");
    if (!filters_available(ds, name)) return;

    f.memtype = H5Tcopy(ftype.id);
    if (f.memtype < 0 || H5Tset_order(f.memtype, H5T_ORDER_LE) < 0) {
      if (f.memtype >= 0) H5Tclose(f.memtype);
      return skip(name, "no little-endian memory type for it: " + hdf5_errors());
    }
    f.addr = H5Dget_offset(ds);  // HADDR_UNDEF for chunked, compact or unallocated data
    H5Eclear2(H5E_DEFAULT);
    f.info.offset = f.addr == HADDR_UNDEF ? 0 : uint64_t(f.addr);
    f.dataset = ds;
    ds_guard.id = -1;  // kept open for reads
    found.push_back(std::move(f));
  }
};

herr_t visit_object(hid_t loc, const char* name, const H5O_info_t* info, void* data) {
  if (info && info->type == H5O_TYPE_DATASET) static_cast<Walk*>(data)->add(loc, name);
  return 0;
}

Error file_error(ErrorKind kind, const std::filesystem::path& file, std::string reason) {
  return make_error(kind, file.string(), "", std::move(reason));
}

}  // namespace

bool has_hdf5_signature(const std::filesystem::path& file) {
  static constexpr unsigned char kSig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return false;  // a FIFO would block the read
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  // The superblock may sit after a user block of 512, 1024, 2048, ... bytes.
  for (uint64_t at = 0; at <= (uint64_t(1) << 40); at = at ? at * 2 : 512) {
    unsigned char buf[8] = {};
    in.clear();
    in.seekg(std::streamoff(at));
    if (!in.read(reinterpret_cast<char*>(buf), 8)) return false;
    if (std::equal(buf, buf + 8, kSig)) return true;
  }
  return false;
}

Result<std::unique_ptr<Hdf5Source>> Hdf5Source::open(const std::filesystem::path& file) {
  // Declared before the lock: on an error return the lock is released first, then the
  // destructor takes it again to close whatever was opened.
  std::unique_ptr<Hdf5Source> src(new Hdf5Source());
  src->path_ = file;
  src->files_ = {file};
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return file_error(ErrorKind::Io, file, std::filesystem::exists(file, ec) ? "not a regular file"
                                                                              : "no such file");
  if (!std::ifstream(file, std::ios::binary))
    return file_error(ErrorKind::Io, file, "cannot open for reading");

  std::lock_guard lock(hdf5_mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are values here, not stderr noise
  if (H5Fis_hdf5(file.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return file_error(ErrorKind::BadInput, file, "not an HDF5 file (no HDF5 signature found)");
  }
  Hdf5IdGuard fapl{H5Pcreate(H5P_FILE_ACCESS), H5Pclose};
  if (fapl.id >= 0) H5Pset_file_locking(fapl.id, true, /*ignore_when_disabled=*/true);
  src->file_id_ = H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl.id >= 0 ? fapl.id : H5P_DEFAULT);
  if (src->file_id_ < 0)
    return file_error(ErrorKind::BadInput, file,
                      "cannot open the HDF5 file (truncated or corrupt?): " + hdf5_errors());

  Walk walk;
  const herr_t rc = H5Ovisit2(src->file_id_, H5_INDEX_NAME, H5_ITER_INC, visit_object, &walk,
                              H5O_INFO_BASIC);
  const std::string walk_error = rc < 0 ? hdf5_errors() : std::string();
  // Hand the ids to the source first so that they are closed on every path below.
  for (const Found& f : walk.found) {
    src->datasets_.push_back(f.dataset);
    src->memtypes_.push_back(f.memtype);
  }
  if (rc < 0)
    return file_error(ErrorKind::BadInput, file, "cannot walk the group tree: " + walk_error);
  src->warnings_ = std::move(walk.warnings);
  if (walk.found.empty())
    return file_error(ErrorKind::BadInput, file,
                      "no floating-point or integer datasets to read (" +
                          std::to_string(src->warnings_.size()) + " other datasets skipped)");

  // Processing order: contiguous data by file address, then the rest in visit order.
  std::vector<std::size_t> order(walk.found.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const haddr_t x = walk.found[a].addr, y = walk.found[b].addr;
    if ((x == HADDR_UNDEF) != (y == HADDR_UNDEF)) return y == HADDR_UNDEF;
    return x != HADDR_UNDEF && x < y;
  });
  for (std::size_t k = 0; k < order.size(); ++k) {
    Found& f = walk.found[order[k]];
    src->tensors_.push_back(std::move(f.info));
    src->datasets_[k] = f.dataset;
    src->memtypes_[k] = f.memtype;
  }
  return src;
}

Hdf5Source::~Hdf5Source() {
  std::lock_guard lock(hdf5_mutex());
  for (hid_t t : memtypes_) H5Tclose(t);
  for (hid_t d : datasets_) H5Dclose(d);
  if (file_id_ >= 0) H5Fclose(file_id_);
}

Result<const std::byte*> Hdf5Source::read_rows(std::size_t index, int64_t row_begin, int64_t row_end,
                                               std::vector<std::byte>& scratch) const {
  if (index >= tensors_.size())
    return make_error(ErrorKind::Internal, path_.string(), "",
                      "tensor index " + std::to_string(index) + " out of range (" +
                          std::to_string(tensors_.size()) + " tensors)");
  const TensorInfo& t = tensors_[index];
  if (row_begin < 0 || row_begin > row_end || row_end > t.rows())
    return make_error(ErrorKind::Internal, path_.string(), t.name,
                      "rows [" + std::to_string(row_begin) + ", " + std::to_string(row_end) +
                          ") out of range (" + std::to_string(t.rows()) + " rows)");
  const std::size_t rows = std::size_t(row_end - row_begin);
  scratch.resize(rows * t.row_bytes());
  if (scratch.empty()) return static_cast<const std::byte*>(scratch.data());

  std::lock_guard lock(hdf5_mutex());
  const hid_t ds = datasets_[index];
  herr_t rc = 0;
  if (t.shape.size() >= 2) {
    Hdf5IdGuard filespace{H5Dget_space(ds), H5Sclose};
    std::vector<hsize_t> start(t.shape.size(), 0), count(t.shape.begin(), t.shape.end());
    start[0] = hsize_t(row_begin);
    count[0] = hsize_t(rows);
    Hdf5IdGuard memspace{H5Screate_simple(int(count.size()), count.data(), nullptr), H5Sclose};
    rc = filespace.id < 0 || memspace.id < 0 ? -1
         : H5Sselect_hyperslab(filespace.id, H5S_SELECT_SET, start.data(), nullptr, count.data(),
                               nullptr);
    if (rc >= 0)
      rc = H5Dread(ds, memtypes_[index], memspace.id, filespace.id, H5P_DEFAULT, scratch.data());
  } else {  // scalars and vectors are one row: the whole dataset
    rc = H5Dread(ds, memtypes_[index], H5S_ALL, H5S_ALL, H5P_DEFAULT, scratch.data());
  }
  if (rc < 0)
    return make_error(ErrorKind::Io, path_.string(), t.name, "HDF5 read failed: " + hdf5_errors());
  return static_cast<const std::byte*>(scratch.data());
}

}  // namespace aq
