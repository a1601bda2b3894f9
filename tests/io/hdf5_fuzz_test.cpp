// Random corruption of valid HDF5 inputs (a plain weights file and ArrowQuant's own packed HDF5
// output): opening and reading every tensor must end in a value or an Error - never a crash, a
// hang, or an exception escaping. Run it under ASan/UBSan with more iterations:
//   AQ_FUZZ_ITERATIONS=200000 build-asan/tests/aq_io_tests --gtest_filter='Hdf5Fuzz*'
// AQ_FUZZ_SEED picks another random sequence (the seed of a failing run is printed).
#include <gtest/gtest.h>

#include <hdf5.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <thread>

#include "io/hdf5_lock.h"
#include "io/hdf5_source.h"
#include "io/logical_model.h"
#include "io_test_util.h"
#include "job/job.h"
#include "test_support.h"

namespace {

using namespace aqtest;
namespace fs = std::filesystem;

uint64_t env_u64(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return std::strtoull(v, nullptr, 10);
}

// A small weights file with the storage kinds a reader meets: contiguous, chunked + deflate,
// shuffle, compact, big-endian, integers, a scalar, nested groups, an attribute.
std::vector<uint8_t> plain_seed(const TempDir& dir) {
  const fs::path p = dir / "plain_seed.h5";
  {
    aq::Hdf5Lock lock;
    const hid_t f = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    auto ds = [&](const char* name, hid_t ftype, hid_t mtype, std::vector<hsize_t> dims, const void* data,
                  hid_t dcpl = H5P_DEFAULT) {
      const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(int(dims.size()), dims.data(), nullptr);
      hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
      H5Pset_create_intermediate_group(lcpl, 1);
      const hid_t d = H5Dcreate2(f, name, ftype, space, lcpl, dcpl, H5P_DEFAULT);
      H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
      H5Dclose(d);
      H5Pclose(lcpl);
      H5Sclose(space);
    };
    const auto a = gaussian(24 * 16, 1, 1.0f);
    const auto b = gaussian(32 * 8, 2, 1.0f);
    const auto c = gaussian(10, 3, 1.0f);
    const std::vector<int32_t> ints{1, -2, 3, -4, 5, 6};
    const float scalar = 0.5f;
    ds("model/dense/kernel", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {24, 16}, a.data());
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    const hsize_t chunk[2] = {8, 8};
    H5Pset_chunk(dcpl, 2, chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 6);
    ds("model/conv/weight", H5T_IEEE_F32BE, H5T_NATIVE_FLOAT, {32, 8}, b.data(), dcpl);
    H5Pclose(dcpl);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_layout(dcpl, H5D_COMPACT);
    ds("model/bias", H5T_IEEE_F64LE, H5T_NATIVE_FLOAT, {10}, c.data(), dcpl);
    H5Pclose(dcpl);
    ds("ints", H5T_STD_I32BE, H5T_NATIVE_INT32, {2, 3}, ints.data());
    ds("scalar", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {}, &scalar);
    H5Fclose(f);
  }
  return read_file(p);
}

// ArrowQuant's HDF5 output of a tiny model: quantized (asymmetric) and kept tensors.
std::vector<uint8_t> packed_seed(const TempDir& dir) {
  write_safetensors(dir / "tiny.safetensors",
                    {{"layer.weight", "F16", {32, 40}, f16_bytes(gaussian(32 * 40, 4))},
                     {"layer2.weight", "BF16", {16, 72}, bf16_bytes(gaussian(16 * 72, 5))},
                     {"layer.bias", "F32", {32}, f32_bytes(gaussian(32, 6))}});
  aq::JobConfig c;
  c.input = dir / "tiny.safetensors";
  c.output = dir / "packed_seed.h5";
  c.plan.scheme.group_size = 16;
  c.threads = 1;
  aq::JobObserver quiet;
  aq::CancelToken cancel;
  const auto r = aq::run_job(c, quiet, cancel);
  EXPECT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  return read_file(c.output);
}

// One random corruption.
void mutate(std::vector<uint8_t>& f, std::mt19937_64& rng) {
  if (f.empty()) return;
  auto pick = [&](std::size_t n) { return std::size_t(rng() % std::max<std::size_t>(n, 1)); };
  // Most of what HDF5 parses (superblock, object headers, B-trees, heaps) is near the start.
  const std::size_t meta = std::min<std::size_t>(f.size(), rng() % 4 ? 4096 : f.size());
  static const uint64_t kExtremes[] = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000,
                                       0xFFFFFFFF, uint64_t(1) << 32, uint64_t(1) << 40, uint64_t(1) << 62,
                                       uint64_t(INT64_MAX), uint64_t(INT64_MIN), ~uint64_t(0), ~uint64_t(0) - 1};
  switch (rng() % 6) {
    case 0:  // bit flips
      for (int k = 0, n = 1 + int(pick(4)); k < n; ++k) f[pick(meta)] ^= uint8_t(1u << pick(8));
      break;
    case 1:  // truncation
      f.resize(pick(f.size()));
      break;
    case 2: {  // a run of one byte value
      const std::size_t at = pick(meta), len = 1 + pick(rng() % 4 ? 16 : 512);
      const uint8_t b = rng() % 3 == 0 ? 0 : rng() % 2 ? 0xFF : uint8_t(rng());
      for (std::size_t i = at; i < std::min(f.size(), at + len); ++i) f[i] = b;
      break;
    }
    case 3:
    case 4: {  // a 2/4/8-byte field overwritten with an extreme value (often aligned, as HDF5 fields are)
      const std::size_t width = std::size_t(2) << pick(3);
      if (f.size() < width) break;
      std::size_t at = pick(meta - std::min(meta, width) + 1);
      if (rng() % 2) at &= ~(width - 1);
      uint64_t v = kExtremes[pick(std::size(kExtremes))];
      if (rng() % 4 == 0) v = uint64_t(f[at]) + pick(8) - 4;  // near the old value
      std::memcpy(f.data() + at, &v, width);
      break;
    }
    default: {  // random bytes
      const std::size_t at = pick(meta);
      for (std::size_t i = at, n = 1 + pick(8); i < std::min(f.size(), at + n); ++i) f[i] = uint8_t(rng());
      break;
    }
  }
}

struct Stats {
  int opened = 0, refused = 0, read_ok = 0, read_failed = 0;
  int library_crashes = 0;  // refused because libhdf5 crashed or stalled in the probe's child
};

// Opens the file and reads every tensor (and, for packed files, dequantizes through
// LogicalModel). Reads are capped so that a file accepted with allow_sparse cannot ask for
// gigabytes of fill values.
void exercise(const fs::path& path, bool allow_sparse, Stats& s) {
  aq::OpenOptions o;
  o.allow_sparse = allow_sparse;
  auto r = aq::Hdf5Source::open(path, o);
  if (!r.ok()) {
    ++s.refused;
    if (r.error().reason.find("the HDF5 library") != std::string::npos) ++s.library_crashes;
    EXPECT_EQ(r.error().file, path.string());
    EXPECT_FALSE(r.error().reason.empty());
    return;
  }
  ++s.opened;
  const aq::ModelSource& src = **r;
  std::vector<std::byte> scratch;
  constexpr uint64_t kMaxReadBytes = 1 << 20;
  for (std::size_t i = 0; i < src.tensors().size(); ++i) {
    const aq::TensorInfo& t = src.tensors()[i];
    const int64_t rows = t.rows();
    const int64_t block = std::max<int64_t>(1, int64_t(kMaxReadBytes / std::max<std::size_t>(1, t.row_bytes())));
    if (t.row_bytes() > kMaxReadBytes) continue;  // one row would be too large to read here
    // The first and the last block (corrupt chunks anywhere are reached in small files).
    for (int64_t r0 : {int64_t(0), std::max<int64_t>(0, rows - block)}) {
      auto p = src.read_rows(i, r0, std::min(rows, r0 + block), scratch);
      if (p.ok()) {
        ++s.read_ok;
      } else {
        ++s.read_failed;
        EXPECT_EQ(p.error().file, path.string());
      }
      if (rows <= block) break;
    }
  }
}

void exercise_logical(const fs::path& path) {
  auto m = aq::LogicalModel::open(path);
  if (!m.ok()) return;
  std::vector<float> out;
  for (const auto& t : m->tensors()) {
    if (t.rows * t.cols > (1 << 20) || (!t.quantized && !aq::is_quantizable(t.dtype))) continue;
    (void)m->read_float_rows(t, 0, t.rows, out);
  }
}

// Where inputs that crashed libhdf5 in the probe are kept: AQ_FUZZ_ARTIFACTS (set by scripts/fuzz.sh).
void save_library_crash(const char* label, uint64_t iter, const std::vector<uint8_t>& bytes) {
  const char* dir = std::getenv("AQ_FUZZ_ARTIFACTS");
  if (!dir || !*dir) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  write_file(fs::path(dir) / ("libhdf5-probe-crash-" + std::string(label) + "-" + std::to_string(iter) + ".h5"), bytes);
}

void fuzz(const char* label, const std::vector<uint8_t>& seed, bool packed, const TempDir& dir) {
  ASSERT_FALSE(seed.empty());
  const uint64_t iterations = env_u64("AQ_FUZZ_ITERATIONS", 1000);
  const uint64_t rng_seed = env_u64("AQ_FUZZ_SEED", packed ? 20240602 : 20240601);
  std::mt19937_64 rng(rng_seed);
  const fs::path path = dir / (std::string(label) + ".h5");
  Stats s;
  // A hang is a failure too: a watchdog ends the process if one iteration takes a minute.
  std::atomic<uint64_t> progress{0};
  std::atomic<bool> done{false};
  std::thread watchdog([&] {
    uint64_t last = ~uint64_t(0);
    auto since = std::chrono::steady_clock::now();
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (progress != last) {
        last = progress;
        since = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - since > std::chrono::seconds(60)) {
        std::cerr << "hdf5 fuzz: iteration " << last << " (seed " << rng_seed << ") hangs\n";
        std::abort();
      }
    }
  });
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t iter = 0; iter < iterations; ++iter) {
    progress = iter;
    auto bytes = seed;
    for (int m = 0, n = 1 + int(rng() % 3); m < n; ++m) mutate(bytes, rng);
    write_file(path, bytes);
    const int crashes_before = s.library_crashes;
    try {
      exercise(path, iter % 5 == 4, s);
      if (packed && iter % 4 == 0) exercise_logical(path);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "exception escaped at iteration " << iter << " (seed " << rng_seed << "): " << e.what();
    } catch (...) {
      ADD_FAILURE() << "unknown exception escaped at iteration " << iter << " (seed " << rng_seed << ")";
    }
    // libhdf5 faults on this input (contained by the probe's child): keep it, for an upstream report.
    if (s.library_crashes > crashes_before) save_library_crash(label, iter, bytes);
    if (::testing::Test::HasFailure()) {
      write_file(dir.path().parent_path() / (std::string("hdf5_fuzz_failure_") + label + ".h5"), bytes);
      std::cerr << "hdf5 fuzz: first failure at iteration " << iter << " (seed " << rng_seed << "), file kept in "
                << dir.path().parent_path() << "\n";
      break;
    }
  }
  done = true;
  watchdog.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ fuzz     ] " << label << ": " << iterations << " iterations in " << secs << " s: " << s.opened
            << " opened, " << s.refused << " refused (" << s.library_crashes << " of them: libhdf5 crashed in the probe); reads " << s.read_ok << " ok, " << s.read_failed << " failed\n";
  EXPECT_GT(s.refused, 0);
  EXPECT_GT(s.opened, 0);
}

TEST(Hdf5Fuzz, PlainWeightsFile) {
  TempDir dir;
  const auto seed = plain_seed(dir);
  // The seed itself is valid and reads fully.
  Stats s;
  exercise(dir / "plain_seed.h5", false, s);
  ASSERT_EQ(s.opened, 1);
  ASSERT_EQ(s.read_failed, 0);
  fuzz("plain", seed, false, dir);
}

TEST(Hdf5Fuzz, PackedOutputFile) {
  TempDir dir;
  const auto seed = packed_seed(dir);
  Stats s;
  exercise(dir / "packed_seed.h5", false, s);
  ASSERT_EQ(s.opened, 1);
  ASSERT_EQ(s.read_failed, 0);
  auto m = aq::LogicalModel::open(dir / "packed_seed.h5");
  ASSERT_TRUE(m.ok()) << m.error().message();
  ASSERT_TRUE(m->packed());
  fuzz("packed", seed, true, dir);
}

}  // namespace
