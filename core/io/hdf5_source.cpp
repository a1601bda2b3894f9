#include "io/hdf5_source.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>
#include <type_traits>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "io/hdf5_lock.h"
#include "io/hdf5_probe.h"
#include "io/hdf5_types.h"
#include "io/packed_format.h"
#include "quant/scheme_traits.h"

namespace aq {

static_assert(std::is_same_v<hid_t, int64_t>, "hdf5_source.h stores hid_t as int64_t");

namespace {

// HDF5's own limit on a dataspace's rank (H5S_MAX_RANK). A larger rank is a corrupt file.
constexpr int kMaxRank = 32;
static_assert(kMaxRank == H5S_MAX_RANK);

// No tensor we read may declare more than 2^62 bytes: every size derived from it (rows x
// row_bytes, offsets, sums of a few tensors) then stays far from 64-bit overflow, even with
// --allow-sparse.
constexpr uint64_t kMaxTensorBytes = uint64_t(1) << 62;

// Longest dataset path taken as a tensor name: the limit every reader applies.
constexpr std::size_t kMaxNameBytes = kMaxTensorNameBytes;

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

// The probe (hdf5_probe.h): how long the child may take, and up to which size it also reads
// every tensor (beyond it, only the structure is parsed there).
constexpr int kProbeSeconds = 120;
constexpr uint64_t kProbeReadBytes = uint64_t(256) << 20;

const char* const kSparseHint =
    "; if the file is meant to be like this, open it with --allow-sparse (OpenOptions::allow_sparse)";

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

// A dataset accepted as a tensor (or as a piece of a packed tensor).
struct Found {
  TensorInfo info;
  hid_t dataset = -1;
  hid_t memtype = -1;
  haddr_t addr = HADDR_UNDEF;  // HADDR_UNDEF unless stored contiguously
  uint64_t stored = 0;         // H5Dget_storage_size
  std::string sparse;          // non-empty: why its storage is not fully allocated
  uint64_t chunk_bytes = 0;    // chunked: bytes of one chunk
};

enum class Verdict { Tensor, Skip, Fatal };

// Collects datasets; owns their ids until they are handed to the source. Caller holds the lock.
class Collector {
 public:
  explicit Collector(const std::filesystem::path& file) : file_(file.string()) {}
  ~Collector() {
    for (Found& f : found) close(f);
  }
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  std::vector<Found> found;
  std::vector<std::string> warnings;
  std::optional<Error> fatal;
  // Packed view: the original tensors' descriptions, for the synthesised metadata.
  std::vector<packed::QuantizedTensor> quantized;
  std::set<std::string> used_datasets;  // packed view: datasets that belong to a tensor group

  static void close(Found& f) {
    if (f.memtype >= 0) H5Tclose(f.memtype);
    if (f.dataset >= 0) H5Dclose(f.dataset);
    f.memtype = f.dataset = -1;
  }

  Verdict fail(const std::string& tensor, std::string reason) {
    if (!fatal) fatal = make_error(ErrorKind::BadInput, file_, tensor, std::move(reason));
    return Verdict::Fatal;
  }

  // Checks dataset `ds` (named `name` in messages) and fills `f` (except info.name). Skip: `why`
  // says why it is not a tensor (an unsupported type, a missing filter). Fatal: `fatal` is set.
  Verdict inspect(hid_t ds, const std::string& name, Found& f, std::string& why);

  // Plain files: one dataset, one tensor.
  void add_plain(hid_t loc, const char* name);
  // ArrowQuant's HDF5 output: a group with a `kind` attribute is one original tensor.
  void add_packed_group(hid_t loc, const char* name);

  const std::string& file() const { return file_; }

 private:
  // Opens dataset `child` of tensor group `g` and checks it holds `want` elements of `shape`.
  Verdict packed_piece(hid_t g, const std::string& tensor, const char* child, const std::string& piece_name,
                       DType want, const std::vector<int64_t>& shape, DType shown_as);

  std::string file_;
};

Verdict Collector::inspect(hid_t ds, const std::string& name, Found& f, std::string& why) {
  // Where the bytes are. Only storage inside this file is read: an external dataset names raw
  // files anywhere on the machine (/etc/shadow, a device), a virtual one maps other HDF5 files.
  Hdf5IdGuard dcpl{H5Dget_create_plist(ds), H5Pclose};
  if (dcpl.id < 0) return fail(name, "its storage properties cannot be read: " + hdf5_errors());
  const H5D_layout_t layout = H5Pget_layout(dcpl.id);
  if (layout == H5D_VIRTUAL)
    return fail(name, "a virtual dataset reads other files (its data is mapped from other HDF5 files); "
                      "refused: only data stored inside this file is read");
  const int n_external = H5Pget_external_count(dcpl.id);
  if (n_external < 0) return fail(name, "its external storage list cannot be read: " + hdf5_errors());
  if (n_external > 0) {
    std::array<char, 256> ext{};
    off_t ext_offset = 0;
    hsize_t ext_size = 0;
    if (H5Pget_external(dcpl.id, 0, ext.size() - 1, ext.data(), &ext_offset, &ext_size) < 0) H5Eclear2(H5E_DEFAULT);
    ext.back() = '\0';
    return fail(name, "stored in an external file ('" + std::string(ext.data()) +
                          "'), outside this file; refused: only data stored inside this file is read");
  }
  if (layout != H5D_CONTIGUOUS && layout != H5D_COMPACT && layout != H5D_CHUNKED)
    return fail(name, "its storage layout is unknown (" + std::to_string(int(layout)) + "): corrupt file?");

  Hdf5IdGuard ftype{H5Dget_type(ds), H5Tclose};
  if (ftype.id < 0) return fail(name, "its datatype cannot be read: " + hdf5_errors());
  const auto dtype = hdf5_dtype(ftype.id, why);
  H5Eclear2(H5E_DEFAULT);
  if (!dtype) return Verdict::Skip;

  Hdf5IdGuard space{H5Dget_space(ds), H5Sclose};
  if (space.id < 0) return fail(name, "its dataspace cannot be read: " + hdf5_errors());
  const H5S_class_t sclass = H5Sget_simple_extent_type(space.id);
  if (sclass == H5S_NULL) {
    why = "it has no data (null dataspace)";
    return Verdict::Skip;
  }
  if (sclass != H5S_SCALAR && sclass != H5S_SIMPLE) return fail(name, "its dataspace is corrupt");
  const int rank = H5Sget_simple_extent_ndims(space.id);
  if (rank < 0) return fail(name, "its dataspace cannot be read: " + hdf5_errors());
  if (rank > kMaxRank)
    return fail(name, "its dataspace has " + std::to_string(rank) + " dimensions, more than HDF5's " +
                          std::to_string(kMaxRank) + ": corrupt file");
  std::array<hsize_t, kMaxRank> dims{};  // fixed size: nothing allocated from file data
  if (rank > 0 && H5Sget_simple_extent_dims(space.id, dims.data(), nullptr) < 0)
    return fail(name, "its dimensions cannot be read: " + hdf5_errors());

  f.info.dtype = *dtype;
  f.info.shape.clear();
  int64_t numel = 1;
  for (int i = 0; i < rank; ++i) {
    if (dims[std::size_t(i)] > hsize_t(INT64_MAX) || __builtin_mul_overflow(numel, int64_t(dims[std::size_t(i)]), &numel))
      return fail(name, "its element count overflows (dimension " + std::to_string(i) + " is " +
                            std::to_string(dims[std::size_t(i)]) + "): corrupt dimensions");
    f.info.shape.push_back(int64_t(dims[std::size_t(i)]));
  }
  // Dimensions after a zero one are not covered by the running product (0 x anything = 0).
  int64_t cols = 1;
  for (int i = 1; i < rank; ++i)
    if (__builtin_mul_overflow(cols, int64_t(dims[std::size_t(i)]), &cols))
      return fail(name, "its element count overflows: corrupt dimensions");
  if (__builtin_mul_overflow(uint64_t(numel), uint64_t(dtype_size(*dtype)), &f.info.nbytes) ||
      f.info.nbytes > kMaxTensorBytes)
    return fail(name, "it declares more than 2^62 bytes of data (shape " + f.info.shape_string() +
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
    if (crank != rank) return fail(name, "its chunk shape does not match its rank: corrupt file");
    uint64_t expected = 1, chunk_elems = 1;
    bool saturated = false;
    for (int i = 0; i < rank; ++i) {
      const hsize_t c = chunk[std::size_t(i)];
      if (c == 0) return fail(name, "its chunk shape has a zero dimension: corrupt file");
      const uint64_t n = dims[std::size_t(i)] / c + (dims[std::size_t(i)] % c != 0);
      if (__builtin_mul_overflow(expected, n, &expected)) saturated = true;
      if (__builtin_mul_overflow(chunk_elems, uint64_t(c), &chunk_elems)) chunk_elems = UINT64_MAX;
    }
    if (saturated) expected = UINT64_MAX;
    if (__builtin_mul_overflow(chunk_elems, uint64_t(dtype_size(*dtype)), &f.chunk_bytes)) f.chunk_bytes = UINT64_MAX;
    if (f.info.nbytes > 0) {
      hsize_t n_chunks = 0;
      if (H5Dget_num_chunks(ds, space.id, &n_chunks) < 0)
        return fail(name, "its chunk index cannot be read: " + hdf5_errors());
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
    return fail(name, "no little-endian memory type for it: " + detail);
  }
  f.addr = layout == H5D_CONTIGUOUS ? H5Dget_offset(ds) : HADDR_UNDEF;  // HADDR_UNDEF if unallocated
  H5Eclear2(H5E_DEFAULT);
  f.info.offset = f.addr == HADDR_UNDEF ? 0 : uint64_t(f.addr);
  return Verdict::Tensor;
}

void Collector::add_plain(hid_t loc, const char* name) {
  if (std::strlen(name) > kMaxNameBytes) {
    fail(std::string(name, 64) + "...", "a dataset path longer than " + std::to_string(kMaxNameBytes) + " bytes");
    return;
  }
  const hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
  if (ds < 0) {
    fail(name, "the dataset cannot be opened (corrupt file?): " + hdf5_errors());
    return;
  }
  Found f;
  f.dataset = ds;
  std::string why;
  const Verdict v = inspect(ds, name, f, why);
  if (v != Verdict::Tensor) {
    close(f);
    if (v == Verdict::Skip) warnings.push_back(std::string("dataset '") + name + "' skipped: " + why);
    return;
  }
  f.info.name = name;
  found.push_back(std::move(f));
}

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

Verdict Collector::packed_piece(hid_t g, const std::string& tensor, const char* child, const std::string& piece_name,
                                DType want, const std::vector<int64_t>& shape, DType shown_as) {
  const std::string where = "dataset '" + std::string(child) + "'";
  const htri_t exists = H5Lexists(g, child, H5P_DEFAULT);
  if (exists <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return fail(tensor, "ArrowQuant HDF5 tensor group has no " + where);
  }
  const hid_t ds = H5Dopen2(g, child, H5P_DEFAULT);
  if (ds < 0) return fail(tensor, where + " cannot be opened (corrupt file?): " + hdf5_errors());
  Found f;
  f.dataset = ds;
  std::string why;
  const std::string label = tensor + "/" + child;
  Verdict v = inspect(ds, label, f, why);
  if (v == Verdict::Skip) v = fail(tensor, where + " cannot be read: " + why);
  if (v == Verdict::Tensor && f.info.dtype != want)
    v = fail(tensor, where + " holds " + std::string(dtype_name(f.info.dtype)) + " elements, expected " +
                         std::string(dtype_name(want)));
  if (v == Verdict::Tensor && f.info.shape != shape) {
    TensorInfo expected;
    expected.shape = shape;
    v = fail(tensor, where + " has shape " + f.info.shape_string() + ", expected " + expected.shape_string() +
                         " from the group's attributes");
  }
  if (v != Verdict::Tensor) {
    close(f);
    return v;
  }
  f.info.name = piece_name;
  f.info.dtype = shown_as;  // same element size as `want`
  used_datasets.insert(label);
  found.push_back(std::move(f));
  return Verdict::Tensor;
}

void Collector::add_packed_group(hid_t loc, const char* name) {
  if (std::string_view(name) == ".") return;  // the root itself
  if (std::strlen(name) > kMaxNameBytes) {
    fail(std::string(name, 64) + "...", "a group path longer than " + std::to_string(kMaxNameBytes) + " bytes");
    return;
  }
  Hdf5IdGuard g{H5Gopen2(loc, name, H5P_DEFAULT), H5Gclose};
  if (g.id < 0) {
    fail(name, "the group cannot be opened (corrupt file?): " + hdf5_errors());
    return;
  }
  if (!hdf5_has_attr(g.id, "kind")) return;  // an intermediate group of a name with '/'
  const std::string tensor = name;
  std::string why;
  auto bad = [&](const char* field, const std::string& what) {
    fail(tensor, std::string("ArrowQuant HDF5 attribute '") + field + "' " + what);
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
    packed_piece(g.id, tensor, "data", tensor, stored_dtype(*dtype), *shape, *dtype);
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
  // Every size of the packed layout, with checked arithmetic, before packed_layout() computes
  // them unchecked.
  int64_t col_bits = 0, codes = 0, scale_bytes = 0;
  const int64_t groups = cols / *group + (cols % *group != 0);
  if (__builtin_mul_overflow(cols, *bits, &col_bits) || col_bits > INT64_MAX - 7 ||
      __builtin_mul_overflow(rows, (col_bits + 7) / 8, &codes) || uint64_t(codes) > kMaxTensorBytes ||
      __builtin_mul_overflow(rows, groups, &scale_bytes) || __builtin_mul_overflow(scale_bytes, int64_t(2), &scale_bytes) ||
      uint64_t(scale_bytes) > kMaxTensorBytes)
    return bad("shape", "gives packed sizes that overflow");
  q.scheme.bits = int(*bits);
  q.scheme.group_size = *group == cols ? 0 : int(*group);
  q.scheme.symmetric = *symmetric == 1;
  q.scheme.method = *method;
  q.layout = packed_layout(rows, cols, q.scheme);

  const std::vector<int64_t> codes_shape{rows, q.layout.row_bytes};
  const std::vector<int64_t> scales_shape{rows, q.layout.groups_per_row};
  if (packed_piece(g.id, tensor, "codes", tensor + std::string(packed::kCodesSuffix), DType::U8, codes_shape,
                   DType::U8) != Verdict::Tensor ||
      packed_piece(g.id, tensor, "scales", tensor + std::string(packed::kScalesSuffix), DType::F16, scales_shape,
                   DType::F16) != Verdict::Tensor)
    return;
  if (!q.scheme.symmetric) {
    if (packed_piece(g.id, tensor, "zeros", tensor + std::string(packed::kZerosSuffix), DType::F16, scales_shape,
                     DType::F16) != Verdict::Tensor)
      return;
  } else if (H5Lexists(g.id, "zeros", H5P_DEFAULT) > 0) {
    return bad("symmetric", "is 1, but the group has a 'zeros' dataset");
  }
  H5Eclear2(H5E_DEFAULT);
  quantized.push_back(std::move(q));
}

struct VisitState {
  Collector* collector;
  bool packed;
  std::vector<std::string> datasets;  // packed view: every dataset seen, to warn about strays
};

herr_t visit_object(hid_t loc, const char* name, const H5O_info_t* info, void* data) {
  auto& s = *static_cast<VisitState*>(data);
  if (!info) return 0;
  if (!s.packed && info->type == H5O_TYPE_DATASET) s.collector->add_plain(loc, name);
  if (s.packed && info->type == H5O_TYPE_GROUP) s.collector->add_packed_group(loc, name);
  if (s.packed && info->type == H5O_TYPE_DATASET) s.datasets.emplace_back(name);
  return s.collector->fatal ? 1 : 0;  // a positive value stops the walk
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

Result<std::unique_ptr<Hdf5Source>> Hdf5Source::open(const std::filesystem::path& file, const OpenOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(file, ec) && !hdf5_in_probe_child()) {
    std::optional<std::string> crashed;
    {
      Hdf5Lock lock;  // held across fork: no other thread is inside HDF5 then
      crashed = hdf5_probe(
          [&] {
            auto r = open_unprobed(file, options);
            if (!r.ok() || (*r)->total_bytes() > kProbeReadBytes) return;
            // Small files are read whole too: chunk indexes and filters are parsed on reads.
            std::vector<std::byte> scratch;
            for (std::size_t i = 0; i < (*r)->tensors().size(); ++i)
              (void)(*r)->read_rows(i, 0, (*r)->tensors()[i].rows(), scratch);
          },
          kProbeSeconds);
    }
    if (crashed) return file_error(ErrorKind::BadInput, file, *crashed);
  }
  return open_unprobed(file, options);
}

Result<std::unique_ptr<Hdf5Source>> Hdf5Source::open_unprobed(const std::filesystem::path& file,
                                                            const OpenOptions& options) {
  // Declared before the lock: on an error return the lock is released first, then the
  // destructor takes it again to close whatever was opened.
  std::unique_ptr<Hdf5Source> src(new Hdf5Source());
  src->path_ = file;
  src->files_ = {file};
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return file_error(ErrorKind::Io, file, std::filesystem::exists(file, ec) ? "not a regular file"
                                                                              : "no such file");
  src->fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (src->fd_ < 0) return file_error(ErrorKind::Io, file, "cannot open for reading");
  struct stat st {};
  if (fstat(src->fd_, &st) != 0 || !S_ISREG(st.st_mode))
    return file_error(ErrorKind::Io, file, "cannot read the file size");
  src->size_at_open_ = uint64_t(st.st_size);

  Hdf5Lock lock;
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

  // ArrowQuant's own output: the root says format = "arrowquant".
  bool packed = false;
  {
    Hdf5IdGuard root{H5Gopen2(src->file_id_, "/", H5P_DEFAULT), H5Gclose};
    if (root.id < 0)
      return file_error(ErrorKind::BadInput, file, "cannot open the root group: " + hdf5_errors());
    std::string why;
    if (hdf5_has_attr(root.id, std::string(packed::kFormatKey).c_str())) {
      const auto format = hdf5_string_attr(root.id, std::string(packed::kFormatKey).c_str(), why);
      packed = format && *format == packed::kFormatValue;
    }
    if (packed) {
      const auto version = hdf5_int_attr(root.id, "format_version", why);
      if (!version)
        return file_error(ErrorKind::BadInput, file, "ArrowQuant HDF5 file: root attribute 'format_version' " + why);
      if (*version != packed::kFormatVersion)
        return file_error(ErrorKind::BadInput, file,
                          "ArrowQuant HDF5 file: unsupported format_version " + std::to_string(*version) +
                              " (this build reads version " + std::to_string(packed::kFormatVersion) + ")");
    }
  }

  Collector walk(file);
  VisitState state{&walk, packed, {}};
  const herr_t rc = H5Ovisit2(src->file_id_, H5_INDEX_NAME, H5_ITER_INC, visit_object, &state, H5O_INFO_BASIC);
  const std::string walk_error = rc < 0 ? hdf5_errors() : std::string();
  H5Eclear2(H5E_DEFAULT);
  if (walk.fatal) return *walk.fatal;
  if (rc < 0) return file_error(ErrorKind::BadInput, file, "cannot walk the group tree: " + walk_error);
  for (const std::string& d : state.datasets)
    if (!walk.used_datasets.count(d))
      walk.warnings.push_back("dataset '" + d + "' is not part of an ArrowQuant tensor group; ignored");
  if (walk.found.empty())
    return file_error(ErrorKind::BadInput, file,
                      packed ? std::string("ArrowQuant HDF5 file without tensor groups")
                             : "no floating-point or integer datasets to read (" +
                                   std::to_string(walk.warnings.size()) + " other datasets skipped)");

  // The bomb rule (see kBombFactor above).
  uint64_t declared = 0, stored = 0;
  const Found* largest = nullptr;
  for (const Found& f : walk.found) {
    if (!f.sparse.empty() && !options.allow_sparse)
      return make_error(ErrorKind::BadInput, file.string(), f.info.name,
                        "refused: " + f.sparse + kSparseHint);
    if (f.chunk_bytes > std::max(f.info.nbytes, kMaxChunkSlack) && !options.allow_sparse)
      return make_error(ErrorKind::BadInput, file.string(), f.info.name,
                        "refused: one chunk of it is " + bytes_text(f.chunk_bytes) + ", more than the whole dataset (" +
                            bytes_text(f.info.nbytes) + "): corrupt chunk size or a memory bomb" + kSparseHint);
    declared = f.info.nbytes > UINT64_MAX - declared ? UINT64_MAX : declared + f.info.nbytes;
    stored = f.stored > UINT64_MAX - stored ? UINT64_MAX : stored + f.stored;
    if (!largest || f.info.nbytes > largest->info.nbytes) largest = &f;
  }
  const uint64_t file_size = src->size_at_open_;
  if (stored > file_size)
    return file_error(ErrorKind::BadInput, file,
                      "the datasets claim " + bytes_text(stored) + " of stored data, but the file has only " +
                          bytes_text(file_size) + ": corrupt file");
  const uint64_t limit = file_size > (UINT64_MAX - kBombSlack) / kBombFactor ? UINT64_MAX
                                                                             : file_size * kBombFactor + kBombSlack;
  if (declared > limit && !options.allow_sparse)
    return make_error(ErrorKind::BadInput, file.string(), largest ? largest->info.name : std::string(),
                      "refused: the datasets declare " + bytes_text(declared) + " of data but the file holds only " +
                          bytes_text(file_size) + " (the limit is 16 x the file size + 64 MiB; real compressed weights "
                          "stay far below it): a sparse file or a decompression bomb" + kSparseHint);

  if (packed) src->metadata_ = packed::file_metadata(walk.quantized, file.filename().string(), {});
  src->warnings_ = std::move(walk.warnings);

  // Processing order: plain files by contiguous file address, then the rest in visit order;
  // packed files in visit order (each tensor's pieces together).
  std::vector<std::size_t> order(walk.found.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (!packed)
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const haddr_t x = walk.found[a].addr, y = walk.found[b].addr;
      if ((x == HADDR_UNDEF) != (y == HADDR_UNDEF)) return y == HADDR_UNDEF;
      return x != HADDR_UNDEF && x < y;
    });
  std::set<std::string> names;
  for (std::size_t k : order) {
    Found& f = walk.found[k];
    if (!names.insert(f.info.name).second)
      return make_error(ErrorKind::BadInput, file.string(), f.info.name, "two tensors have this name");
    src->tensors_.push_back(std::move(f.info));
    src->datasets_.push_back(f.dataset);
    src->memtypes_.push_back(f.memtype);
    f.dataset = f.memtype = -1;  // owned by the source now
  }
  return src;
}

Hdf5Source::~Hdf5Source() {
  {
    Hdf5Lock lock;
    for (hid_t t : memtypes_)
      if (t >= 0) H5Tclose(t);
    for (hid_t d : datasets_)
      if (d >= 0) H5Dclose(d);
    if (file_id_ >= 0) H5Fclose(file_id_);
    H5Eclear2(H5E_DEFAULT);
  }
  if (fd_ >= 0) ::close(fd_);
}

Status Hdf5Source::check_read(std::size_t index) const {
  struct stat st {};
  if (fd_ < 0 || fstat(fd_, &st) != 0 || uint64_t(st.st_size) >= size_at_open_) return {};
  return make_error(ErrorKind::Io, path_.string(), index < tensors_.size() ? tensors_[index].name : std::string(),
                    "the input file shrank while it was being read (" + bytes_text(size_at_open_) +
                        " when opened, now " + bytes_text(uint64_t(st.st_size)) +
                        "; truncated by another program?): its data could not be read");
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
  // Sizes come from the file: checked before anything is allocated.
  const uint64_t rows = uint64_t(row_end - row_begin);
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(rows, uint64_t(t.row_bytes()), &bytes) || bytes > t.nbytes)
    return make_error(ErrorKind::Internal, path_.string(), t.name,
                      "rows [" + std::to_string(row_begin) + ", " + std::to_string(row_end) +
                          ") exceed the tensor's " + std::to_string(t.nbytes) + " bytes");
  // More than the machine's memory cannot work: say so instead of asking the allocator.
  static const uint64_t physical = [] {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : UINT64_MAX;
  }();
  if (bytes > physical)
    return make_error(ErrorKind::Io, path_.string(), t.name,
                      "out of memory: reading rows [" + std::to_string(row_begin) + ", " + std::to_string(row_end) +
                          ") needs " + bytes_text(bytes) + ", more than this machine's " + bytes_text(physical));
  try {
    scratch.resize(std::size_t(bytes));
  } catch (const std::bad_alloc&) {
    return make_error(ErrorKind::Io, path_.string(), t.name, "out of memory: cannot allocate " + bytes_text(bytes) +
                                                                 " to read rows [" + std::to_string(row_begin) + ", " +
                                                                 std::to_string(row_end) + ")");
  } catch (const std::length_error&) {
    return make_error(ErrorKind::Io, path_.string(), t.name, "cannot allocate " + bytes_text(bytes));
  }
  if (scratch.empty()) return static_cast<const std::byte*>(scratch.data());

  herr_t rc = 0;
  Hdf5ErrorInfo err;
  {
    Hdf5Lock lock;
    const hid_t ds = datasets_[index];
    if (t.shape.size() >= 2) {
      Hdf5IdGuard filespace{H5Dget_space(ds), H5Sclose};
      std::vector<hsize_t> start(t.shape.size(), 0), count(t.shape.begin(), t.shape.end());
      start[0] = hsize_t(row_begin);
      count[0] = hsize_t(rows);
      Hdf5IdGuard memspace{filespace.id < 0 ? -1 : H5Screate_simple(int(count.size()), count.data(), nullptr),
                           H5Sclose};
      rc = filespace.id < 0 || memspace.id < 0
               ? -1
               : H5Sselect_hyperslab(filespace.id, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
      if (rc >= 0) rc = H5Dread(ds, memtypes_[index], memspace.id, filespace.id, H5P_DEFAULT, scratch.data());
      // Now, on this thread, before the guards' H5Sclose clears the error stack.
      if (rc < 0) err = hdf5_error_info();
    } else {  // scalars and vectors are one row: the whole dataset
      rc = H5Dread(ds, memtypes_[index], H5S_ALL, H5S_ALL, H5P_DEFAULT, scratch.data());
      if (rc < 0) err = hdf5_error_info();
    }
  }
  // HDF5 reads past the end of a file that shrank after it was opened as zeros, without an error.
  if (auto shrunk = check_read(index); !shrunk) {
    Error e = shrunk.error();
    if (rc < 0) e.reason += " (" + err.text + ")";
    return e;
  }
  if (rc < 0)
    return make_error(err.sys_errno ? ErrorKind::Io : ErrorKind::BadInput, path_.string(), t.name,
                      "HDF5 read failed: " + err.text);
  return static_cast<const std::byte*>(scratch.data());
}

}  // namespace aq
