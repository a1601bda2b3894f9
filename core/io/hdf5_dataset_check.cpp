#include "io/hdf5_dataset_check.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <utility>

#include "io/hdf5_types.h"
#include "tensor/dtype.h"

namespace aq::hdf5_detail {
namespace {

// The bomb rule (refused unless OpenOptions::allow_sparse):
//   1. every dataset's storage is fully allocated: a contiguous dataset has its bytes in the
//      file, a chunked one has all of its chunks (H5Dget_num_chunks == the chunk grid's size);
//      never-written storage reads as the fill value, not as weights;
//   2. the bytes all tensors declare (elements x element size) are at most
//      kBombFactor x file size + kBombSlack. Real weights compress at most ~2-3x with HDF5's
//      filters (deflate, lzf, szip), so 16x is far above any real file, while a 26 KB file that
//      promises 618 GB is refused; the slack lets tiny files hold a few highly compressible
//      tensors (zero-initialised buffers, masks);
//   3. a chunk of a chunked dataset is at most max(declared bytes of the dataset, 64 MiB): HDF5
//      allocates whole chunks when reading, and a corrupt chunk size could ask for 4 GiB.
// Independent of allow_sparse, the stored bytes of all datasets (H5Dget_storage_size) cannot
// exceed the file's size: the file would be corrupt.
constexpr uint64_t kBombFactor = 16;
constexpr uint64_t kBombSlack = uint64_t(64) << 20;
constexpr uint64_t kMaxChunkSlack = uint64_t(64) << 20;

const char* const kSparseHint =
    "; if the file is meant to be like this, open it with --allow-sparse (OpenOptions::allow_sparse)";

// A fatal verdict: `reason` goes to the caller in `why`.
Verdict fatal(std::string& why, std::string reason) {
  why = std::move(reason);
  return Verdict::Fatal;
}

}  // namespace

std::string bytes_text(uint64_t n) {
  std::string s = std::to_string(n) + " bytes";
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (n < (uint64_t(1) << 20)) return s;
  double v = double(n) / 1024.0;
  int u = 0;
  while (v >= 1024.0 && u < 5) {
    v /= 1024.0;
    ++u;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, " (%.1f %s)", v, kUnits[u]);
  return s + buf;
}

Verdict inspect_dataset(hid_t ds, Found& f, std::string& why) {
  // Where the bytes are. Only storage inside this file is read: an external dataset names raw
  // files anywhere on the machine (/etc/shadow, a device), a virtual one maps other HDF5 files.
  Hdf5IdGuard dcpl{H5Dget_create_plist(ds), H5Pclose};
  if (dcpl.id < 0) return fatal(why, "its storage properties cannot be read: " + hdf5_errors());
  const H5D_layout_t layout = H5Pget_layout(dcpl.id);
  if (layout == H5D_VIRTUAL)
    return fatal(why, "a virtual dataset reads other files (its data is mapped from other HDF5 files); "
                      "refused: only data stored inside this file is read");
  const int n_external = H5Pget_external_count(dcpl.id);
  if (n_external < 0) return fatal(why, "its external storage list cannot be read: " + hdf5_errors());
  if (n_external > 0) {
    std::array<char, 256> ext{};
    off_t ext_offset = 0;
    hsize_t ext_size = 0;
    if (H5Pget_external(dcpl.id, 0, ext.size() - 1, ext.data(), &ext_offset, &ext_size) < 0) H5Eclear2(H5E_DEFAULT);
    ext.back() = '\0';
    return fatal(why, "stored in an external file ('" + std::string(ext.data()) +
                          "'), outside this file; refused: only data stored inside this file is read");
  }
  if (layout != H5D_CONTIGUOUS && layout != H5D_COMPACT && layout != H5D_CHUNKED)
    return fatal(why, "its storage layout is unknown (" + std::to_string(int(layout)) + "): corrupt file?");

  Hdf5IdGuard ftype{H5Dget_type(ds), H5Tclose};
  if (ftype.id < 0) return fatal(why, "its datatype cannot be read: " + hdf5_errors());
  const auto dtype = hdf5_dtype(ftype.id, why);
  H5Eclear2(H5E_DEFAULT);
  if (!dtype) return Verdict::Skip;

  Hdf5IdGuard space{H5Dget_space(ds), H5Sclose};
  if (space.id < 0) return fatal(why, "its dataspace cannot be read: " + hdf5_errors());
  const H5S_class_t sclass = H5Sget_simple_extent_type(space.id);
  if (sclass == H5S_NULL) {
    why = "it has no data (null dataspace)";
    return Verdict::Skip;
  }
  if (sclass != H5S_SCALAR && sclass != H5S_SIMPLE) return fatal(why, "its dataspace is corrupt");
  const int rank = H5Sget_simple_extent_ndims(space.id);
  if (rank < 0) return fatal(why, "its dataspace cannot be read: " + hdf5_errors());
  if (rank > kMaxRank)
    return fatal(why, "its dataspace has " + std::to_string(rank) + " dimensions, more than HDF5's " +
                          std::to_string(kMaxRank) + ": corrupt file");
  std::array<hsize_t, kMaxRank> dims{};  // fixed size: nothing allocated from file data
  if (rank > 0 && H5Sget_simple_extent_dims(space.id, dims.data(), nullptr) < 0)
    return fatal(why, "its dimensions cannot be read: " + hdf5_errors());

  f.info.dtype = *dtype;
  f.info.shape.clear();
  int64_t numel = 1;
  for (int i = 0; i < rank; ++i) {
    if (dims[std::size_t(i)] > hsize_t(INT64_MAX) || __builtin_mul_overflow(numel, int64_t(dims[std::size_t(i)]), &numel))
      return fatal(why, "its element count overflows (dimension " + std::to_string(i) + " is " +
                            std::to_string(dims[std::size_t(i)]) + "): corrupt dimensions");
    f.info.shape.push_back(int64_t(dims[std::size_t(i)]));
  }
  // Dimensions after a zero one are not covered by the running product (0 x anything = 0).
  int64_t cols = 1;
  for (int i = 1; i < rank; ++i)
    if (__builtin_mul_overflow(cols, int64_t(dims[std::size_t(i)]), &cols))
      return fatal(why, "its element count overflows: corrupt dimensions");
  if (__builtin_mul_overflow(uint64_t(numel), uint64_t(dtype_size(*dtype)), &f.info.nbytes) ||
      f.info.nbytes > kMaxTensorBytes)
    return fatal(why, "it declares more than 2^62 bytes of data (shape " + f.info.shape_string() +
                          "): corrupt dimensions");

  // Filters such as szip may be missing from this build; then the data cannot be read.
  const int n_filters = H5Pget_nfilters(dcpl.id);
  for (int i = 0; i < n_filters; ++i) {
    unsigned flags = 0, config = 0;
    std::array<unsigned, 16> cd{};
    std::size_t cd_n = cd.size();
    std::array<char, 64> fname{};
    const H5Z_filter_t id = H5Pget_filter2(dcpl.id, unsigned(i), &flags, &cd_n, cd.data(), fname.size() - 1,
                                           fname.data(), &config);
    fname.back() = '\0';
    if (id < 0 || H5Zfilter_avail(id) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      why = "it is compressed with filter " + std::to_string(id) + " (" + fname.data() +
            "), which this HDF5 library lacks";
      return Verdict::Skip;
    }
  }

  // How much of it is really in the file.
  f.stored = H5Dget_storage_size(ds);  // 0 when unallocated (and on error)
  H5Eclear2(H5E_DEFAULT);
  f.sparse.clear();
  f.chunk_bytes = 0;
  if (layout == H5D_CONTIGUOUS && f.info.nbytes > 0 && f.stored < f.info.nbytes) {
    f.sparse = "its storage was never allocated: it declares " + bytes_text(f.info.nbytes) + " but " +
               bytes_text(f.stored) + " are stored in the file (unwritten data reads as the fill value)";
  } else if (layout == H5D_CHUNKED) {
    std::array<hsize_t, kMaxRank> chunk{};
    const int crank = H5Pget_chunk(dcpl.id, kMaxRank, chunk.data());
    if (crank != rank) return fatal(why, "its chunk shape does not match its rank: corrupt file");
    uint64_t expected = 1, chunk_elems = 1;
    bool saturated = false;
    for (int i = 0; i < rank; ++i) {
      const hsize_t c = chunk[std::size_t(i)];
      if (c == 0) return fatal(why, "its chunk shape has a zero dimension: corrupt file");
      const uint64_t n = dims[std::size_t(i)] / c + (dims[std::size_t(i)] % c != 0);
      if (__builtin_mul_overflow(expected, n, &expected)) saturated = true;
      if (__builtin_mul_overflow(chunk_elems, uint64_t(c), &chunk_elems)) chunk_elems = UINT64_MAX;
    }
    if (saturated) expected = UINT64_MAX;
    if (__builtin_mul_overflow(chunk_elems, uint64_t(dtype_size(*dtype)), &f.chunk_bytes)) f.chunk_bytes = UINT64_MAX;
    if (f.info.nbytes > 0) {
      hsize_t n_chunks = 0;
      if (H5Dget_num_chunks(ds, space.id, &n_chunks) < 0)
        return fatal(why, "its chunk index cannot be read: " + hdf5_errors());
      if (n_chunks < expected)
        f.sparse = "only " + std::to_string(n_chunks) + " of its " +
                   (saturated ? std::string("more than 2^64") : std::to_string(expected)) +
                   " chunks are stored (it declares " + bytes_text(f.info.nbytes) + "; " + bytes_text(f.stored) +
                   " are in the file; unwritten chunks read as the fill value)";
    }
  }

  f.memtype = H5Tcopy(ftype.id);
  if (f.memtype < 0 || H5Tset_order(f.memtype, H5T_ORDER_LE) < 0) {
    const std::string detail = hdf5_errors();
    if (f.memtype >= 0) H5Tclose(f.memtype);
    f.memtype = -1;
    return fatal(why, "no little-endian memory type for it: " + detail);
  }
  f.addr = layout == H5D_CONTIGUOUS ? H5Dget_offset(ds) : HADDR_UNDEF;  // HADDR_UNDEF if unallocated
  H5Eclear2(H5E_DEFAULT);
  f.info.offset = f.addr == HADDR_UNDEF ? 0 : uint64_t(f.addr);
  return Verdict::Tensor;
}

// The bomb rule (see kBombFactor above).
Status check_declared_sizes(const std::vector<Found>& found, const std::filesystem::path& file, uint64_t file_size,
                            bool allow_sparse) {
  uint64_t declared = 0, stored = 0;
  const Found* largest = nullptr;
  for (const Found& f : found) {
    if (!f.sparse.empty() && !allow_sparse)
      return make_error(ErrorKind::BadInput, file.string(), f.info.name,
                        "refused: " + f.sparse + kSparseHint);
    if (f.chunk_bytes > std::max(f.info.nbytes, kMaxChunkSlack) && !allow_sparse)
      return make_error(ErrorKind::BadInput, file.string(), f.info.name,
                        "refused: one chunk of it is " + bytes_text(f.chunk_bytes) + ", more than the whole dataset (" +
                            bytes_text(f.info.nbytes) + "): corrupt chunk size or a memory bomb" + kSparseHint);
    declared = f.info.nbytes > UINT64_MAX - declared ? UINT64_MAX : declared + f.info.nbytes;
    stored = f.stored > UINT64_MAX - stored ? UINT64_MAX : stored + f.stored;
    if (!largest || f.info.nbytes > largest->info.nbytes) largest = &f;
  }
  if (stored > file_size)
    return make_error(ErrorKind::BadInput, file.string(), "",
                      "the datasets claim " + bytes_text(stored) + " of stored data, but the file has only " +
                          bytes_text(file_size) + ": corrupt file");
  const uint64_t limit = file_size > (UINT64_MAX - kBombSlack) / kBombFactor ? UINT64_MAX
                                                                             : file_size * kBombFactor + kBombSlack;
  if (declared > limit && !allow_sparse)
    return make_error(ErrorKind::BadInput, file.string(), largest ? largest->info.name : std::string(),
                      "refused: the datasets declare " + bytes_text(declared) + " of data but the file holds only " +
                          bytes_text(file_size) + " (the limit is " + std::to_string(kBombFactor) + " x the file size + " +
                          std::to_string(kBombSlack >> 20) +
                          " MiB; real compressed weights stay far below it): a sparse file or a decompression bomb" +
                          kSparseHint);
  return {};
}

}  // namespace aq::hdf5_detail
