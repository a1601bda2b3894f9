// A calibration file is untrusted input. Each class of fault ends in a clear error naming the
// calibration file (and the tensor, where one is concerned), with nothing written; or, where the
// issue says so, in a warning and a run that goes on (a missing tensor, a matrix that needs more
// damping). A mutation loop then checks that no corrupt file can crash a run.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>

#include "calibration_fixture.h"
#include "job/job.h"
#include "model_fixtures.h"
#include "test_support.h"

namespace {

using namespace aqtest;
namespace fs = std::filesystem;

constexpr const char* kTensor = "blocks.0.mlp.fc1.weight";

struct Fixture {
  TempDir dir;
  fs::path model = dir / "m.safetensors", cal = dir / "cal.h5", out = dir / "q.safetensors";
  Fixture() {
    write_safetensors(model, {{kTensor, "F32", {48, 64}, f32_bytes(gaussian(48 * 64, 5, 0.05f))},
                              {"blocks.0.attn.proj.weight", "F32", {40, 32}, f32_bytes(gaussian(40 * 32, 6, 0.05f))}});
  }
  aq::JobResult run(const CalFile& file, std::vector<double> weights = {}) {
    write_calibration(cal, file);
    return run_file(std::move(weights));
  }
  aq::JobResult run_file(std::vector<double> weights = {}) {
    aq::JobConfig c;
    c.input = model;
    c.output = out;
    c.plan.keep_sensitive = false;
    c.calibration.file = cal;
    c.calibration.timestep_weights = std::move(weights);
    return run_quietly(c);
  }
};

CalFile good_file() {
  CalFile f;
  f.layers = {hessian_layer(kTensor, 64, 3, 2), hessian_layer("blocks.0.attn.proj.weight", 32, 4, 2)};
  return f;
}

// A failed run: the expected kind, the calibration file named, the words, no output.
void expect_refused(Fixture& fx, const aq::JobResult& r, aq::ErrorKind kind, const std::string& words,
                    const std::string& tensor = "") {
  ASSERT_EQ(r.status, aq::JobStatus::Failed) << "expected: " << words;
  EXPECT_EQ(r.error.kind, kind) << r.error.message();
  EXPECT_EQ(r.error.file, fx.cal.string()) << r.error.message();
  EXPECT_NE(r.error.message().find(words), std::string::npos) << r.error.message();
  if (!tensor.empty()) EXPECT_EQ(r.error.tensor, tensor) << r.error.message();
  EXPECT_FALSE(fs::exists(fx.out)) << "a failed run left its output";
}

TEST(CalibrationBadInput, WrongWidthNamesTheTensor) {
  Fixture fx;
  CalFile f = good_file();
  f.layers[0] = hessian_layer(kTensor, 32, 3, 2);
  expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "recorded for 32 input features, but the tensor has 64", kTensor);
}

TEST(CalibrationBadInput, MissingTensorIsQuantizedDataFreeAndSaidSo) {
  Fixture fx;
  CalFile f = good_file();
  f.layers.pop_back();
  const auto r = fx.run(f);
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  bool warned = false;
  for (const auto& w : r.warnings) warned = warned || w.find("no calibration data for 'blocks.0.attn.proj.weight'") != std::string::npos;
  EXPECT_TRUE(warned);
  for (const auto& t : r.tensors) EXPECT_EQ(t.output_error.has_value(), t.name == kTensor) << t.name;
}

// Many tensors without data make one warning that counts them, not a line each.
TEST(CalibrationBadInput, ManyMissingTensorsMakeOneWarning) {
  Fixture fx;
  write_safetensors(fx.model, {{"a.weight", "F32", {32, 64}, f32_bytes(gaussian(32 * 64, 1, 0.05f))},
                               {"b.weight", "F32", {32, 64}, f32_bytes(gaussian(32 * 64, 2, 0.05f))},
                               {"c.weight", "F32", {32, 64}, f32_bytes(gaussian(32 * 64, 3, 0.05f))},
                               {"d.weight", "F32", {32, 64}, f32_bytes(gaussian(32 * 64, 4, 0.05f))},
                               {"e.weight", "F32", {32, 64}, f32_bytes(gaussian(32 * 64, 5, 0.05f))}});
  CalFile f;
  f.layers = {hessian_layer("a.weight", 64, 1)};
  const auto r = fx.run(f);
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  int lines = 0;
  for (const auto& w : r.warnings)
    if (w.find("no calibration data") != std::string::npos) {
      ++lines;
      EXPECT_NE(w.find("4 of 5 quantized tensors ('b.weight', 'c.weight', 'd.weight' and 1 more)"), std::string::npos) << w;
    }
  EXPECT_EQ(lines, 1);
}

TEST(CalibrationBadInput, NonFiniteValuesNameTheTensorAndBucket) {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    Fixture fx;
    CalFile f = good_file();
    f.layers[0].data[64 * 64 + 5] = bad;  // bucket 1
    expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "bucket 1 holds a NaN or Inf", kTensor);
  }
}

TEST(CalibrationBadInput, IndefiniteMatrixGetsMoreDampingAndSaysSo) {
  Fixture fx;
  CalFile f = good_file();
  CalLayer& l = f.layers[0];
  l.buckets = 1;
  l.counts = {1};
  l.data.assign(64 * 64, 0.0f);
  for (int i = 0; i < 64; ++i) l.data[i * 64 + i] = 1.0f;
  for (int i = 0; i + 1 < 64; i += 2) l.data[i * 64 + i + 1] = l.data[(i + 1) * 64 + i] = 1.5f;  // eigenvalues -0.5
  f.layers[1] = hessian_layer("blocks.0.attn.proj.weight", 32, 4, 1);
  const auto r = fx.run(f);
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  bool warned = false;
  for (const auto& w : r.warnings) warned = warned || (w.find(kTensor) != std::string::npos && w.find("damping raised") != std::string::npos);
  EXPECT_TRUE(warned);
}

TEST(CalibrationBadInput, NegativeDiagonalIsRefused) {
  Fixture fx;
  CalFile f = good_file();
  f.layers[0].data[0] = -1.0f;
  expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "negative diagonal", kTensor);
}

TEST(CalibrationBadInput, WrongDtypeOrRankIsRefused) {
  {
    Fixture fx;
    CalFile f = good_file();
    f.layers[0].data_as_int = true;
    expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "not a floating-point dataset", kTensor);
  }
  {
    Fixture fx;
    CalFile f = good_file();
    f.layers[0].data_rank = 2;
    expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "has rank 2, expected 3", kTensor);
  }
}

TEST(CalibrationBadInput, CountsAreChecked) {
  {
    Fixture fx;
    CalFile f = good_file();
    f.layers[0].counts = {0, 0};
    expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "'count' is zero in every bucket", kTensor);
  }
  {
    Fixture fx;
    CalFile f = good_file();
    f.layers[0].counts = {10, 0};  // bucket 1 holds data
    expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "bucket 1 has 'count' 0 but data", kTensor);
  }
  {
    Fixture fx;
    CalFile f = good_file();
    f.layers[0].counts = {10, -1};
    expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "negative or non-finite", kTensor);
  }
  {
    Fixture fx;
    CalFile f = good_file();
    f.layers[0].omit_count = true;
    const auto r = fx.run(f);  // without `count` the group is not a layer: the file no longer covers it
    ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  }
}

TEST(CalibrationBadInput, UnknownFormatOrVersionIsRefused) {
  {
    Fixture fx;
    CalFile f = good_file();
    f.format = "something-else";
    expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "'format' is 'something-else'");
  }
  {
    Fixture fx;
    CalFile f = good_file();
    f.version = 2;
    expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "version 2 is not supported");
  }
}

// h5py stores a Python str as a variable-length UTF-8 string; HDF5 will not convert it to ASCII.
TEST(CalibrationBadInput, Utf8VariableLengthFormatIsRead) {
  Fixture fx;
  CalFile f = good_file();
  f.variable_utf8 = true;
  const auto r = fx.run(f);
  EXPECT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
}

TEST(CalibrationBadInput, BucketsMustAgree) {
  {
    Fixture fx;
    CalFile f = good_file();
    f.bucket_edges = {0, 10, 20, 30};  // three buckets, layers have two
    expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "has 2 buckets, but the file has 3");
  }
  {
    Fixture fx;
    expect_refused(fx, fx.run(good_file(), {1, 2, 3}), aq::ErrorKind::BadArgument,
                   "--timestep-weights gives 3 weights, but the calibration file has 2 buckets");
  }
}

TEST(CalibrationBadInput, FileForAnotherModelIsRefused) {
  Fixture fx;
  CalFile f;
  f.layers = {hessian_layer("other.weight", 16, 1)};
  expect_refused(fx, fx.run(f), aq::ErrorKind::BadInput, "none of the 1 layers in the file names a tensor");
}

TEST(CalibrationBadInput, NotACalibrationFile) {
  Fixture fx;
  write_file(fx.cal, {'n', 'o', 't', ' ', 'h', 'd', 'f', '5'});
  expect_refused(fx, fx.run_file(), aq::ErrorKind::BadInput, "not an HDF5 file");
  fs::remove(fx.cal);
  const auto r = fx.run_file();
  ASSERT_EQ(r.status, aq::JobStatus::Failed);
  EXPECT_NE(r.error.message().find("no such file"), std::string::npos) << r.error.message();
}

TEST(CalibrationBadInput, OutputOverTheCalibrationFileIsRefused) {
  Fixture fx;
  write_calibration(fx.cal, good_file());
  const auto before = read_file(fx.cal);
  aq::JobConfig c;
  c.input = fx.model;
  c.output = fx.cal;
  c.calibration.file = fx.cal;
  const auto r = run_quietly(c);
  ASSERT_EQ(r.status, aq::JobStatus::Failed);
  EXPECT_EQ(r.error.kind, aq::ErrorKind::BadArgument) << r.error.message();
  EXPECT_EQ(read_file(fx.cal), before);
}

// Random byte corruption of a valid file: every run ends in success or an Error naming the
// calibration file, never a crash or an escaping exception; a failed run writes nothing.
TEST(CalibrationBadInput, MutatedFilesNeverCrash) {
  Fixture fx;
  CalFile f;
  f.layers = {hessian_layer(kTensor, 64, 3, 2), hessian_layer("blocks.0.attn.proj.weight", 32, 4, 2)};
  f.layers[1].diagonal = true;
  f.layers[1].data.resize(2 * 32);
  write_calibration(fx.cal, f);
  const auto seed_bytes = read_file(fx.cal);
  const char* env = std::getenv("AQ_FUZZ_ITERATIONS");
  const int iterations = env ? std::atoi(env) : 150;
  const char* seed = std::getenv("AQ_FUZZ_SEED");
  std::mt19937_64 rng(seed ? std::strtoull(seed, nullptr, 10) : 20261130);
  int failed = 0, succeeded = 0;
  for (int i = 0; i < iterations; ++i) {
    auto bytes = seed_bytes;
    const int edits = 1 + int(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      // Mostly the first 4 KiB (superblock, object headers, attributes), sometimes anywhere.
      const std::size_t span = rng() % 3 ? std::min<std::size_t>(4096, bytes.size()) : bytes.size();
      bytes[rng() % span] = uint8_t(rng());
    }
    write_file(fx.cal, bytes);
    fs::remove(fx.out);
    const auto r = fx.run_file();
    if (r.status == aq::JobStatus::Succeeded) {
      ++succeeded;
      continue;
    }
    ++failed;
    if (std::getenv("AQ_FUZZ_VERBOSE")) std::cout << r.error.message() << "\n";
    EXPECT_EQ(r.error.file, fx.cal.string()) << "iteration " << i << ": " << r.error.message();
    EXPECT_FALSE(fs::exists(fx.out)) << "iteration " << i;
    if (::testing::Test::HasFailure()) break;
  }
  std::cout << "[ fuzz     ] calibration: " << iterations << " iterations (mutated files): " << succeeded << " ran, "
            << failed << " refused\n";
  EXPECT_GT(failed, 0);
}

}  // namespace
