#include "io/hdf5_source.h"

#include <algorithm>
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

#include "io/hdf5_collector.h"
#include "io/hdf5_dataset_check.h"
#include "io/hdf5_lock.h"
#include "io/hdf5_packed_reader.h"
#include "io/hdf5_probe.h"
#include "io/hdf5_types.h"
#include "io/packed_format.h"

namespace aq {

static_assert(std::is_same_v<hid_t, int64_t>, "hdf5_source.h stores hid_t as int64_t");

// The checks of each dataset and the file-wide limits (hdf5_dataset_check.h), and ArrowQuant's
// own tensor groups (hdf5_packed_reader.h).
using namespace hdf5_detail;

namespace {

// The probe (hdf5_probe.h): how long the child may take, and up to which size it also reads
// every tensor (beyond it, only the structure is parsed there).
constexpr int kProbeSeconds = 120;
constexpr uint64_t kProbeReadBytes = uint64_t(256) << 20;

// Plain files: one dataset, one tensor.
void add_plain(Collector& c, hid_t loc, const char* name) {
  if (std::strlen(name) > kMaxNameBytes) {
    c.fail(std::string(name, 64) + "...", "a dataset path longer than " + std::to_string(kMaxNameBytes) + " bytes");
    return;
  }
  const hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
  if (ds < 0) {
    c.fail(name, "the dataset cannot be opened (corrupt file?): " + hdf5_errors());
    return;
  }
  Found f;
  f.dataset = ds;
  std::string why;
  const Verdict v = inspect_dataset(ds, f, why);
  if (v != Verdict::Tensor) {
    close_ids(f);
    if (v == Verdict::Fatal) c.fail(name, why);
    if (v == Verdict::Skip) c.warnings.push_back(std::string("dataset '") + name + "' skipped: " + why);
    return;
  }
  f.info.name = name;
  c.found.push_back(std::move(f));
}

struct VisitState {
  Collector* collector;
  bool packed;
  std::vector<std::string> datasets;  // packed view: every dataset seen, to warn about strays
};

herr_t visit_object(hid_t loc, const char* name, const H5O_info_t* info, void* data) {
  auto& s = *static_cast<VisitState*>(data);
  if (!info) return 0;
  if (!s.packed && info->type == H5O_TYPE_DATASET) add_plain(*s.collector, loc, name);
  if (s.packed && info->type == H5O_TYPE_GROUP) add_packed_group(*s.collector, loc, name);
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
  const Result<bool> packed_file = is_packed_file(src->file_id_, file);
  if (!packed_file) return packed_file.error();
  const bool packed = *packed_file;

  Collector walk(file.string());
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

  // The bomb rule (hdf5_dataset_check.cpp).
  if (auto limits = check_declared_sizes(walk.found, file, src->size_at_open_, options.allow_sparse); !limits)
    return limits.error();

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
