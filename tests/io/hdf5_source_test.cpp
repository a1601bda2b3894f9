// HDF5 weight files: nested groups, every numeric class, skipped datasets, broken files.
#include <gtest/gtest.h>

#include <hdf5.h>

#include <mutex>
#include <random>
#include <thread>

#include "io/hdf5_lock.h"
#include "io_test_util.h"
#include "test_support.h"
#include "tensor/half.h"

namespace {

using aq::DType;
using aq::ErrorKind;
using namespace aqtest;
namespace fs = std::filesystem;

// Writes the fixture files with the HDF5 C API. Holds the library lock like every HDF5 user.
class H5Writer {
 public:
  explicit H5Writer(const fs::path& path) : lock_(aq::hdf5_mutex()) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    file_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(file_, 0);
  }
  ~H5Writer() { H5Fclose(file_); }

  void group(const char* name) {
    const hid_t g = H5Gcreate2(file_, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(g, 0) << name;
    H5Gclose(g);
  }
  // `file_type` is how the data is stored, `mem_type` how `data` is laid out.
  void dataset(const char* name, hid_t file_type, hid_t mem_type, const std::vector<hsize_t>& dims,
               const void* data, const std::vector<hsize_t>& chunk = {}) {
    const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR)
                                     : H5Screate_simple(int(dims.size()), dims.data(), nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (!chunk.empty()) {
      H5Pset_chunk(dcpl, int(chunk.size()), chunk.data());
      H5Pset_deflate(dcpl, 4);
    }
    const hid_t ds = H5Dcreate2(file_, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    EXPECT_GE(ds, 0) << name;
    EXPECT_GE(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0) << name;
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
  }
  // IEEE half, which HDF5 1.10 has no predefined type for (the recipe h5py uses).
  static hid_t f16_type() {
    const hid_t t = H5Tcopy(H5T_IEEE_F32LE);
    H5Tset_fields(t, 15, 10, 5, 0, 10);
    H5Tset_size(t, 2);
    H5Tset_ebias(t, 15);
    return t;
  }

 private:
  std::lock_guard<std::mutex> lock_;
  hid_t file_ = -1;
};

std::vector<uint8_t> f16_raw(const std::vector<float>& v) { return f16_bytes(v); }

struct Fixture {
  std::vector<float> kernel = gaussian(3 * 4, 11, 1.0f);
  std::vector<double> bias{0.5, -1.25, 3.0, 1e-300};
  std::vector<float> half_values{1.0f, -2.0f, 0.5f, 65504.0f, 0.0f, -0.25f};
  std::vector<float> big_endian = gaussian(2 * 5, 12, 1.0f);
  std::vector<float> chunked = gaussian(8 * 4, 13, 1.0f);
  std::vector<int32_t> i32{-5, 0, 7, 1 << 30, -1};
  std::vector<uint8_t> u8{1, 2, 3, 250};
  std::vector<int64_t> i64{-(int64_t(1) << 50), 42};
  float scalar = 2.5f;
};

void write_fixture(const fs::path& path, const Fixture& f) {
  H5Writer w(path);
  w.group("/model");
  w.group("/model/layer1");
  w.group("/ints");
  w.group("/strings");
  w.dataset("/model/layer1/kernel:0", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {3, 4}, f.kernel.data());
  w.dataset("/model/layer1/bias:0", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {4}, f.bias.data());
  const hid_t f16 = H5Writer::f16_type();
  const auto half = f16_raw(f.half_values);
  w.dataset("/model/half", f16, f16, {2, 3}, half.data());
  H5Tclose(f16);
  w.dataset("/model/big_endian", H5T_IEEE_F32BE, H5T_NATIVE_FLOAT, {2, 5}, f.big_endian.data());
  w.dataset("/model/chunked", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {8, 4}, f.chunked.data(), {3, 4});
  w.dataset("/ints/i32", H5T_STD_I32LE, H5T_NATIVE_INT32, {5}, f.i32.data());
  w.dataset("/ints/u8", H5T_STD_U8LE, H5T_NATIVE_UINT8, {2, 2}, f.u8.data());
  w.dataset("/ints/i64be", H5T_STD_I64BE, H5T_NATIVE_INT64, {2}, f.i64.data());
  w.dataset("/scalar", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {}, &f.scalar);
  const hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, 4);
  const char names[2][4] = {{'a', 'b', 'c', 'd'}, {'e', 'f', 'g', 'h'}};
  w.dataset("/strings/names", str, str, {2}, names);
  H5Tclose(str);
}

TEST(Hdf5Source, NestedGroupsEveryNumericClass) {
  TempDir dir;
  const Fixture f;
  write_fixture(dir / "w.h5", f);
  auto src = open_ok(dir / "w.h5");
  ASSERT_TRUE(src);
  EXPECT_EQ(src->format(), "hdf5");
  ASSERT_EQ(src->files().size(), 1u);
  EXPECT_TRUE(src->metadata().empty());
  ASSERT_EQ(src->tensors().size(), 9u);

  struct Expect {
    const char* name;
    DType dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
  };
  const std::vector<Expect> expected{
      {"model/layer1/kernel:0", DType::F32, {3, 4}, raw_bytes(f.kernel)},
      {"model/layer1/bias:0", DType::F64, {4}, raw_bytes(f.bias)},
      {"model/half", DType::F16, {2, 3}, f16_raw(f.half_values)},
      {"model/big_endian", DType::F32, {2, 5}, raw_bytes(f.big_endian)},  // returned little-endian
      {"model/chunked", DType::F32, {8, 4}, raw_bytes(f.chunked)},
      {"ints/i32", DType::I32, {5}, raw_bytes(f.i32)},
      {"ints/u8", DType::U8, {2, 2}, raw_bytes(f.u8)},
      {"ints/i64be", DType::I64, {2}, raw_bytes(f.i64)},
      {"scalar", DType::F32, {}, raw_bytes(std::vector<float>{f.scalar})},
  };
  for (const auto& e : expected) {
    SCOPED_TRACE(e.name);
    const auto i = src->find(e.name);
    ASSERT_GE(i, 0);
    const aq::TensorInfo& t = src->tensors()[std::size_t(i)];
    EXPECT_EQ(t.dtype, e.dtype);
    EXPECT_EQ(t.shape, e.shape);
    EXPECT_EQ(t.nbytes, e.bytes.size());
    EXPECT_EQ(read_tensor(*src, std::size_t(i)), e.bytes);
  }

  // The string dataset is skipped with a warning that names it and says why.
  ASSERT_EQ(src->warnings().size(), 1u);
  EXPECT_NE(src->warnings()[0].find("strings/names"), std::string::npos) << src->warnings()[0];
  EXPECT_NE(src->warnings()[0].find("string type"), std::string::npos) << src->warnings()[0];

  // Processing order: contiguous datasets by file address, the chunked one last.
  EXPECT_EQ(src->tensors().back().name, "model/chunked");
  for (std::size_t i = 1; i + 1 < src->tensors().size(); ++i)
    EXPECT_LT(src->tensors()[i - 1].offset, src->tensors()[i].offset) << src->tensors()[i].name;
}

TEST(Hdf5Source, RowSlicesAcrossChunks) {
  TempDir dir;
  const Fixture f;
  write_fixture(dir / "w.h5", f);
  auto src = open_ok(dir / "w.h5");
  ASSERT_TRUE(src);
  const auto i = std::size_t(src->find("model/chunked"));
  std::vector<std::byte> scratch;
  auto p = src->read_rows(i, 2, 7, scratch);  // rows 2..6 cross chunk edges at 3 and 6
  ASSERT_TRUE(p.ok()) << p.error().message();
  ASSERT_EQ(scratch.size(), 5u * 4 * 4);
  EXPECT_EQ(std::memcmp(*p, f.chunked.data() + 2 * 4, scratch.size()), 0);

  const auto h = std::size_t(src->find("model/half"));
  p = src->read_rows(h, 1, 2, scratch);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::memcmp(*p, f16_raw(f.half_values).data() + 6, 6), 0);  // raw fp16 bits

  p = src->read_rows(h, 2, 2, scratch);  // no rows
  EXPECT_TRUE(p.ok());
  EXPECT_FALSE(src->read_rows(h, 1, 3, scratch).ok());
  const auto bias = std::size_t(src->find("model/layer1/bias:0"));
  EXPECT_FALSE(src->read_rows(bias, 0, 2, scratch).ok());  // a vector is one row
  src->release_rows(h, 0, 2);                              // a no-op for copies
}

TEST(Hdf5Source, ConcurrentReadsTakeTurns) {
  TempDir dir;
  const Fixture f;
  write_fixture(dir / "w.h5", f);
  auto src = open_ok(dir / "w.h5");
  ASSERT_TRUE(src);
  const auto i = std::size_t(src->find("model/chunked"));
  std::vector<int> bad(3, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 3; ++k)
    threads.emplace_back([&, k] {
      std::vector<std::byte> scratch;
      for (int rep = 0; rep < 50; ++rep)
        for (int64_t r = 0; r < 8; ++r) {
          auto p = src->read_rows(i, r, r + 1, scratch);
          if (!p.ok() || std::memcmp(*p, f.chunked.data() + r * 4, 16) != 0) ++bad[k];
        }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad, std::vector<int>(3, 0));
}

TEST(Hdf5Source, DetectedBySignatureWithoutExtension) {
  TempDir dir;
  write_fixture(dir / "weights.bin", Fixture{});
  auto src = open_ok(dir / "weights.bin");
  ASSERT_TRUE(src);
  EXPECT_EQ(src->format(), "hdf5");
}

TEST(Hdf5Source, OnlyUnusableDatasetsIsAnError) {
  TempDir dir;
  {
    H5Writer w(dir / "s.h5");
    const hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, 2);
    w.dataset("/label", str, str, {1}, "ab");
    H5Tclose(str);
  }
  expect_open_error(dir / "s.h5", ErrorKind::BadInput, "", "no floating-point or integer datasets");
}

TEST(Hdf5Source, TruncatedFile) {
  TempDir dir;
  write_fixture(dir / "w.h5", Fixture{});
  const auto bytes = read_file(dir / "w.h5");
  for (std::size_t keep : {std::size_t(4), std::size_t(100), bytes.size() / 2, bytes.size() - 100}) {
    SCOPED_TRACE(keep);
    write_file(dir / "cut.h5", std::vector<uint8_t>(bytes.begin(), bytes.begin() + long(keep)));
    auto r = aq::open_model(dir / "cut.h5");
    if (r.ok()) {  // HDF5 may open a file cut in its data; then reads must fail cleanly
      std::vector<std::byte> scratch;
      for (std::size_t i = 0; i < r.value()->tensors().size(); ++i) {
        auto p = r.value()->read_rows(i, 0, r.value()->tensors()[i].rows(), scratch);
        if (!p.ok()) {
          EXPECT_EQ(p.error().file, (dir / "cut.h5").string());
        }
      }
      continue;
    }
    EXPECT_EQ(r.error().file, (dir / "cut.h5").string()) << r.error().message();
    EXPECT_FALSE(r.error().reason.empty());
  }
  // Cut inside the superblock and metadata: opening itself must fail.
  write_file(dir / "cut.h5", std::vector<uint8_t>(bytes.begin(), bytes.begin() + 100));
  const auto e = expect_open_error(dir / "cut.h5", ErrorKind::BadInput, "", "cannot open the HDF5 file");
  EXPECT_NE(e.reason.find("truncated file: eof = 100"), std::string::npos) << e.reason;
}

// libhdf5 itself parses the file; this checks that our side copes with whatever it reports
// for corrupt metadata and data (an exploratory run of 300 such files found no library crash).
TEST(Hdf5Source, CorruptFilesNeverCrash) {
  TempDir dir;
  write_fixture(dir / "w.h5", Fixture{});
  const auto seed = read_file(dir / "w.h5");
  std::mt19937_64 rng(7);
  int opened = 0, refused = 0;
  for (int iter = 0; iter < 150; ++iter) {
    auto bytes = seed;
    if (iter % 3 == 2) {
      bytes.resize(rng() % bytes.size());
    } else {
      const std::size_t span = iter % 3 == 0 ? std::min<std::size_t>(bytes.size(), 4096) : bytes.size();
      for (int k = 0, n = 1 + int(rng() % 8); k < n; ++k) bytes[rng() % span] ^= uint8_t(1 + rng() % 255);
    }
    write_file(dir / "c.h5", bytes);
    auto r = aq::open_model(dir / "c.h5");
    if (!r.ok()) {
      ++refused;
      EXPECT_EQ(r.error().file, (dir / "c.h5").string());
      continue;
    }
    ++opened;
    std::vector<std::byte> scratch;
    for (std::size_t i = 0; i < r.value()->tensors().size(); ++i)
      (void)r.value()->read_rows(i, 0, r.value()->tensors()[i].rows(), scratch);
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(opened, 0);
}

TEST(Hdf5Source, NotAnHdf5File) {
  TempDir dir;
  write_file(dir / "junk.h5", std::vector<uint8_t>(64, 7));
  expect_open_error(dir / "junk.h5", ErrorKind::BadInput, "", "not an HDF5 file");
  expect_open_error(dir / "absent.h5", ErrorKind::Io, "", "no such file");
}

}  // namespace
