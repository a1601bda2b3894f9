// HDF5 inputs that try to read other files, promise far more data than they hold, carry corrupt
// dimensions, or fail while being read: each ends in a clear Error, never a crash, an exception,
// a read of a file outside the model, or raw HDF5-DIAG text on stderr.
#include <gtest/gtest.h>

#include <hdf5.h>

#include <sys/mman.h>

#include <cstring>
#include <iostream>
#include <thread>

#include "io/hdf5_lock.h"
#include "io/hdf5_source.h"
#include "io/packed_writer.h"
#include "io_test_util.h"
#include "plan/plan.h"
#include "test_support.h"

namespace {

using aq::ErrorKind;

// The messages users see, printed once so that a test log shows them.
void show(const aq::Error& e) { std::cout << "[ message  ] " << e.message() << "\n"; }
using namespace aqtest;
namespace fs = std::filesystem;

// The fixture writer: every call holds the library lock, like every HDF5 user must.
struct H5File {
  explicit H5File(const fs::path& path) : lock() {
    id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(id, 0) << path;
  }
  ~H5File() { H5Fclose(id); }
  aq::Hdf5Lock lock;
  hid_t id = -1;
};

// Creates a dataset; `data` (may be null: never written) is written whole.
void make_dataset(hid_t file, const char* name, hid_t type, const std::vector<hsize_t>& dims, const void* data,
                  hid_t dcpl = H5P_DEFAULT) {
  const hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
  const hid_t ds = H5Dcreate2(file, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  ASSERT_GE(ds, 0) << name;
  if (data) {
    EXPECT_GE(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0);
  }
  H5Dclose(ds);
  H5Sclose(space);
}

hid_t chunked(const std::vector<hsize_t>& chunk, int deflate = -1) {
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, int(chunk.size()), chunk.data());
  if (deflate >= 0) H5Pset_deflate(dcpl, unsigned(deflate));
  return dcpl;
}

aq::Result<std::unique_ptr<aq::Hdf5Source>> open_sparse(const fs::path& p) {
  aq::OpenOptions o;
  o.allow_sparse = true;
  return aq::Hdf5Source::open(p, o);
}

// A good tensor next to the bad one, so that the bad one is what gets the file refused.
void add_good(hid_t file) {
  const auto v = gaussian(16, 3);
  make_dataset(file, "good", H5T_IEEE_F32LE, {4, 4}, v.data());
}

TEST(Hdf5Security, ExternalStorageIsRefused) {
  TempDir model, elsewhere;
  // The "secret": bytes in a file outside the model's folder.
  std::vector<uint8_t> secret(64);
  for (std::size_t i = 0; i < secret.size(); ++i) secret[i] = uint8_t(0xA0 + i);
  write_file(elsewhere / "secret.bin", secret);
  {
    H5File f(model / "ext.h5");
    add_good(f.id);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    ASSERT_GE(H5Pset_external(dcpl, (elsewhere / "secret.bin").c_str(), 0, 64), 0);
    make_dataset(f.id, "leak", H5T_IEEE_F32LE, {4, 4}, nullptr, dcpl);  // never written: reads the secret
    H5Pclose(dcpl);
  }
  const auto e = expect_open_error(model / "ext.h5", ErrorKind::BadInput, "leak", "stored in an external file");
  EXPECT_NE(e.reason.find("refused"), std::string::npos) << e.reason;
  EXPECT_NE(e.reason.find("secret.bin"), std::string::npos) << e.reason;
  show(e);
  // Not even the escape hatch for sparse files lets it through.
  auto r = open_sparse(model / "ext.h5");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().reason.find("external"), std::string::npos);
}

TEST(Hdf5Security, VirtualDatasetIsRefused) {
  TempDir model, elsewhere;
  const auto src_values = gaussian(16, 9);
  {
    H5File f(elsewhere / "other.h5");
    make_dataset(f.id, "a", H5T_IEEE_F32LE, {4, 4}, src_values.data());
  }
  {
    H5File f(model / "vds.h5");
    add_good(f.id);
    const hsize_t dims[2] = {4, 4};
    const hid_t vspace = H5Screate_simple(2, dims, nullptr);
    const hid_t sspace = H5Screate_simple(2, dims, nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    ASSERT_GE(H5Pset_virtual(dcpl, vspace, (elsewhere / "other.h5").c_str(), "/a", sspace), 0);
    const hid_t ds = H5Dcreate2(f.id, "mapped", H5T_IEEE_F32LE, vspace, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    ASSERT_GE(ds, 0);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(sspace);
    H5Sclose(vspace);
  }
  const auto e = expect_open_error(model / "vds.h5", ErrorKind::BadInput, "mapped", "a virtual dataset reads other files");
  show(e);
  EXPECT_NE(e.reason.find("refused"), std::string::npos) << e.reason;
  EXPECT_FALSE(open_sparse(model / "vds.h5").ok());
}

// 2^20 x 2^20 float32 (4 TiB) declared in a file of a few KB, never written.
TEST(Hdf5Security, UnwrittenHugeDatasetIsRefused) {
  TempDir dir;
  {
    H5File f(dir / "bomb.h5");
    add_good(f.id);
    const hid_t dcpl = chunked({1024, 1024}, 4);
    make_dataset(f.id, "huge", H5T_IEEE_F32LE, {hsize_t(1) << 20, hsize_t(1) << 20}, nullptr, dcpl);
    H5Pclose(dcpl);
  }
  EXPECT_LT(fs::file_size(dir / "bomb.h5"), 100u * 1024);
  const auto e = expect_open_error(dir / "bomb.h5", ErrorKind::BadInput, "huge", "chunks are stored");
  show(e);
  EXPECT_NE(e.reason.find("--allow-sparse"), std::string::npos) << e.reason;

  // With the escape hatch it opens; a block of rows reads as the fill value.
  auto r = open_sparse(dir / "bomb.h5");
  ASSERT_TRUE(r.ok()) << r.error().message();
  const auto i = std::size_t((*r)->find("huge"));
  std::vector<std::byte> scratch;
  auto p = (*r)->read_rows(i, 5, 6, scratch);
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(scratch.size(), (std::size_t(1) << 20) * 4);
  EXPECT_TRUE(std::all_of(scratch.begin(), scratch.end(), [](std::byte b) { return b == std::byte{0}; }));
  // All of it at once cannot be allocated: an Error, not std::length_error or std::bad_alloc.
  p = (*r)->read_rows(i, 0, int64_t(1) << 20, scratch);
  EXPECT_FALSE(p.ok());
  if (!p.ok()) {
    EXPECT_EQ(p.error().tensor, "huge");
  }
}

TEST(Hdf5Security, UnallocatedAndPartlyWrittenDatasetsAreRefused) {
  TempDir dir;
  {
    H5File f(dir / "contig.h5");
    add_good(f.id);
    make_dataset(f.id, "never_written", H5T_IEEE_F32LE, {256, 256}, nullptr);  // contiguous, late allocation
  }
  expect_open_error(dir / "contig.h5", ErrorKind::BadInput, "never_written", "never allocated");
  EXPECT_TRUE(open_sparse(dir / "contig.h5").ok());
  {
    H5File f(dir / "part.h5");
    add_good(f.id);
    const hid_t dcpl = chunked({4, 8});
    const hsize_t dims[2] = {16, 8};
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t ds = H5Dcreate2(f.id, "half", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    const hsize_t start[2] = {0, 0}, count[2] = {8, 8};  // two of the four chunks
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
    const hid_t mem = H5Screate_simple(2, count, nullptr);
    const auto v = gaussian(64, 4);
    EXPECT_GE(H5Dwrite(ds, H5T_NATIVE_FLOAT, mem, space, H5P_DEFAULT, v.data()), 0);
    H5Sclose(mem);
    H5Dclose(ds);
    H5Sclose(space);
    H5Pclose(dcpl);
  }
  expect_open_error(dir / "part.h5", ErrorKind::BadInput, "half", "only 2 of its 4 chunks are stored");
}

// Fully written but compressing ~1000x: 128 MiB of zeros in a file of ~150 KB.
TEST(Hdf5Security, DeclaredFarBeyondTheFileSizeIsRefused) {
  TempDir dir;
  {
    H5File f(dir / "zeros.h5");
    add_good(f.id);
    const hsize_t dims[2] = {8192, 4096}, chunk[2] = {64, 4096};
    const hid_t dcpl = chunked({chunk[0], chunk[1]}, 1);
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t ds = H5Dcreate2(f.id, "zeros", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    const std::vector<float> block(64 * 4096, 0.0f);
    const hid_t mem = H5Screate_simple(2, chunk, nullptr);
    for (hsize_t r = 0; r < dims[0]; r += chunk[0]) {
      const hsize_t start[2] = {r, 0};
      H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, chunk, nullptr);
      ASSERT_GE(H5Dwrite(ds, H5T_NATIVE_FLOAT, mem, space, H5P_DEFAULT, block.data()), 0);
    }
    H5Sclose(mem);
    H5Dclose(ds);
    H5Sclose(space);
    H5Pclose(dcpl);
  }
  const auto size = fs::file_size(dir / "zeros.h5");
  ASSERT_LT(size * 16 + (64u << 20), 128u << 20) << size;  // the fixture is what the rule is about
  const auto e = expect_open_error(dir / "zeros.h5", ErrorKind::BadInput, "zeros", "decompression bomb");
  show(e);
  EXPECT_NE(e.reason.find("--allow-sparse"), std::string::npos) << e.reason;
  EXPECT_TRUE(open_sparse(dir / "zeros.h5").ok());
}

TEST(Hdf5Security, HugeDimensionsAreAnErrorNotAnException) {
  TempDir dir;
  struct Case {
    const char* name;
    std::vector<hsize_t> dims;
    hid_t type;
    const char* phrase;  // with allow_sparse
  };
  const std::vector<Case> cases{
      {"numel_overflows", {hsize_t(1) << 40, hsize_t(1) << 40}, H5T_IEEE_F32LE, "element count overflows"},
      {"bytes_overflow", {hsize_t(1) << 31, hsize_t(1) << 31}, H5T_IEEE_F64LE, "more than 2^62 bytes"},
      {"zero_then_huge", {0, hsize_t(1) << 40, hsize_t(1) << 40}, H5T_IEEE_F32LE, "element count overflows"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path p = dir / (std::string(c.name) + ".h5");
    {
      H5File f(p);
      add_good(f.id);
      std::vector<hsize_t> chunk(c.dims.size(), 1);
      const hid_t dcpl = chunked(chunk);
      make_dataset(f.id, c.name, c.type, c.dims, nullptr, dcpl);
      H5Pclose(dcpl);
    }
    expect_open_error(p, ErrorKind::BadInput, c.name, c.phrase);
    auto r = open_sparse(p);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().reason.find(c.phrase), std::string::npos) << r.error().reason;
  }
  // 2^60 bytes, accepted with allow_sparse: reading all rows must fail as a value.
  const fs::path p = dir / "exabyte.h5";
  {
    H5File f(p);
    const hid_t dcpl = chunked({1, 1 << 20});
    make_dataset(f.id, "x", H5T_STD_U8LE, {hsize_t(1) << 31, hsize_t(1) << 29}, nullptr, dcpl);
    H5Pclose(dcpl);
  }
  auto r = open_sparse(p);
  ASSERT_TRUE(r.ok()) << r.error().message();
  std::vector<std::byte> scratch;
  auto rows = (*r)->read_rows(0, 0, (*r)->tensors()[0].rows(), scratch);
  ASSERT_FALSE(rows.ok());
  show(rows.error());
  EXPECT_EQ(rows.error().message().find("_M_default_append"), std::string::npos) << rows.error().message();
}

// Overwrites every 8-byte occurrence of `from` in the file with `to` (dimension fields).
std::size_t patch_u64(const fs::path& p, uint64_t from, uint64_t to) {
  auto bytes = read_file(p);
  std::size_t n = 0;
  for (std::size_t i = 0; i + 8 <= bytes.size(); ++i)
    if (std::memcmp(bytes.data() + i, &from, 8) == 0) {
      std::memcpy(bytes.data() + i, &to, 8);
      ++n;
    }
  write_file(p, bytes);
  return n;
}

TEST(Hdf5Security, CorruptDimensionFieldsEndInAValueOrAnError) {
  TempDir dir;
  const auto v = gaussian(37 * 29, 5);
  for (uint64_t to : {~uint64_t(0), uint64_t(1) << 62, uint64_t(1) << 40, uint64_t(1) << 31, uint64_t(0),
                      uint64_t(4000000000), uint64_t(38)}) {
    SCOPED_TRACE(to);
    const fs::path p = dir / "dims.h5";
    {
      H5File f(p);
      const hid_t dcpl = chunked({8, 29}, 4);
      make_dataset(f.id, "w", H5T_IEEE_F32LE, {37, 29}, v.data(), dcpl);
      H5Pclose(dcpl);
      make_dataset(f.id, "c", H5T_IEEE_F32LE, {37, 29}, v.data());
    }
    EXPECT_GT(patch_u64(p, 37, to), 0u);
    for (bool sparse : {false, true}) {
      auto r = sparse ? open_sparse(p) : aq::Hdf5Source::open(p);
      if (!r.ok()) {
        EXPECT_EQ(r.error().file, p.string());
        EXPECT_EQ(r.error().reason.find("_M_default_append"), std::string::npos);
        continue;
      }
      std::vector<std::byte> scratch;
      for (std::size_t i = 0; i < (*r)->tensors().size(); ++i) {
        const auto& t = (*r)->tensors()[i];
        for (int64_t r0 = 0; r0 < t.rows(); r0 += std::max<int64_t>(1, t.rows() / 4)) {
          auto rows = (*r)->read_rows(i, r0, std::min(t.rows(), r0 + 8), scratch);
          if (!rows.ok()) {
            EXPECT_EQ(rows.error().file, p.string());
          }
        }
      }
    }
  }
}

// A chunk whose compressed bytes are garbage: the read fails with HDF5's real reason.
TEST(Hdf5Security, ReadFailureSaysWhyAndPrintsNothing) {
  TempDir dir;
  const fs::path p = dir / "bad_chunk.h5";
  const auto v = gaussian(64 * 32, 6);
  haddr_t chunk_addr = 0;
  hsize_t chunk_size = 0;
  {
    H5File f(p);
    const hid_t dcpl = chunked({16, 32}, 6);
    make_dataset(f.id, "w", H5T_IEEE_F32LE, {64, 32}, v.data(), dcpl);
    H5Pclose(dcpl);
    H5Fflush(f.id, H5F_SCOPE_GLOBAL);
    const hid_t ds = H5Dopen2(f.id, "w", H5P_DEFAULT);
    const hid_t space = H5Dget_space(ds);
    unsigned mask = 0;
    hsize_t offset[2] = {0, 0};
    ASSERT_GE(H5Dget_chunk_info(ds, space, 1, offset, &mask, &chunk_addr, &chunk_size), 0);
    H5Sclose(space);
    H5Dclose(ds);
  }
  auto bytes = read_file(p);
  ASSERT_LE(chunk_addr + chunk_size, bytes.size());
  for (hsize_t k = 2; k < chunk_size; ++k) bytes[chunk_addr + k] = uint8_t(0xFF - k);
  write_file(p, bytes);

  auto r = aq::Hdf5Source::open(p);
  ASSERT_TRUE(r.ok()) << r.error().message();
  // A read on a fresh thread (as a TBB worker's would be): the error comes back with its cause,
  // and HDF5 prints nothing of its own.
  testing::internal::CaptureStderr();
  std::optional<aq::Error> error;
  std::thread worker([&] {
    std::vector<std::byte> scratch;
    auto rows = (*r)->read_rows(0, 16, 32, scratch);  // the second chunk
    if (!rows.ok()) error = rows.error();
  });
  worker.join();
  const std::string printed = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(error.has_value());
  show(*error);
  EXPECT_EQ(error->file, p.string());
  EXPECT_EQ(error->tensor, "w");
  EXPECT_NE(error->reason.find("HDF5 read failed: "), std::string::npos) << error->reason;
  EXPECT_EQ(error->reason.find("no detail"), std::string::npos) << error->reason;
  EXPECT_EQ(printed.find("HDF5-DIAG"), std::string::npos) << printed;
  EXPECT_TRUE(printed.empty()) << printed;
  // The other chunks still read.
  std::vector<std::byte> scratch;
  EXPECT_TRUE((*r)->read_rows(0, 0, 16, scratch).ok());
}

TEST(Hdf5Security, FileTruncatedAfterOpeningIsAnInputError) {
  TempDir dir;
  const fs::path p = dir / "w.h5";
  const auto v = gaussian(256 * 64, 8);
  {
    H5File f(p);
    make_dataset(f.id, "first", H5T_IEEE_F32LE, {256, 64}, v.data());
    make_dataset(f.id, "second", H5T_IEEE_F32LE, {256, 64}, v.data());
  }
  auto r = aq::Hdf5Source::open(p);
  ASSERT_TRUE(r.ok()) << r.error().message();
  fs::resize_file(p, fs::file_size(p) / 2);
  std::vector<std::byte> scratch;
  int failed = 0;
  for (std::size_t i = 0; i < (*r)->tensors().size(); ++i) {
    auto rows = (*r)->read_rows(i, 0, 256, scratch);
    if (rows.ok()) continue;  // never silently: the shrink is noticed on every read
    ++failed;
    show(rows.error());
    EXPECT_EQ(int(rows.error().kind), int(ErrorKind::Io));
    EXPECT_EQ(rows.error().file, p.string());
    EXPECT_EQ(rows.error().tensor, (*r)->tensors()[i].name);
    EXPECT_NE(rows.error().reason.find("shrank while it was being read"), std::string::npos) << rows.error().reason;
    EXPECT_FALSE((*r)->check_read(i).ok());
  }
  EXPECT_EQ(failed, 2);
}

// The writer is handed rows it cannot read (a mapping of an input file that shrank: write()
// fails with EFAULT). That is the input's fault, not a full disk.
class UnreadableSource : public aq::ModelSource {
 public:
  UnreadableSource(const fs::path& file, std::size_t bytes) {
    path_ = file;
    files_ = {file};
    aq::TensorInfo t;
    t.name = "buffer";
    t.dtype = aq::DType::I32;
    t.shape = {int64_t(bytes / 4)};
    t.nbytes = bytes;
    tensors_ = {t};
  }
  std::string_view format() const override { return "test"; }
  aq::Result<const std::byte*> read_rows(std::size_t, int64_t, int64_t, std::vector<std::byte>&) const override {
    return static_cast<const std::byte*>(nullptr);
  }
};

TEST(Hdf5Security, UnreadableInputRowsAreBlamedOnTheInput) {
  TempDir dir;
  constexpr std::size_t kBytes = 1 << 20;  // more than HDF5's sieve buffer: written straight from our buffer
  UnreadableSource src(dir / "model.safetensors", kBytes);
  const aq::Plan plan = aq::make_plan(src, aq::PlanOptions{});
  ASSERT_EQ(plan.tensors.size(), 1u);
  ASSERT_FALSE(plan.tensors[0].quantized());
  auto writer = aq::open_hdf5_writer(dir / "q.h5", src, plan);
  ASSERT_TRUE(writer.ok()) << writer.error().message();
  void* gone = mmap(nullptr, kBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(gone, MAP_FAILED);
  aq::BlockData d;
  d.raw = static_cast<const std::byte*>(gone);
  const aq::Status s = (*writer)->write_block(0, 0, 1, d);
  munmap(gone, kBytes);
  ASSERT_FALSE(s.ok());
  show(s.error());
  EXPECT_EQ(s.error().file, (dir / "model.safetensors").string()) << s.error().message();
  EXPECT_EQ(s.error().tensor, "buffer");
  EXPECT_EQ(s.error().reason.find("disk full"), std::string::npos) << s.error().reason;
  EXPECT_NE(s.error().reason.find("could not be read"), std::string::npos) << s.error().reason;
  (*writer)->abort();
  EXPECT_FALSE(fs::exists(dir / "q.h5"));
}

}  // namespace
