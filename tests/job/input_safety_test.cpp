// What a run does when its input misbehaves: a file shrunk or changed under a running job, a
// packed file given to quantize, names the format reserves, metadata that must survive.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/model_source.h"
#include "job/compare.h"
#include "job/dequantize.h"
#include "job/job.h"
#include "model_fixtures.h"

namespace {

using aqtest::TempDir;

// Does something to the input once the job has opened and planned it, before any tensor is read.
struct AfterPlan : aq::JobObserver {
  std::function<void()> act;
  void on_plan(const aq::ModelSource&, const aq::Plan&) override { act(); }
};

std::size_t entries(const std::filesystem::path& dir) {
  return std::size_t(std::distance(std::filesystem::directory_iterator(dir), {}));
}

aq::JobResult run_with(const std::filesystem::path& in, const std::filesystem::path& out, std::function<void()> act,
                       aq::Mode mode = aq::Mode::Streaming) {
  aq::JobConfig c;
  c.input = in;
  c.output = out;
  c.mode = mode;
  c.block_bytes = 4096;
  AfterPlan observer;
  observer.act = std::move(act);
  aq::CancelToken cancel;
  return aq::run_job(c, observer, cancel);
}

// Truncating a memory-mapped input used to kill the process with SIGBUS and leave the temporary
// output. Now the job fails with an I/O error naming the input and the tensor, and leaves nothing.
TEST(InputShrinks, WhileQuantizingIsAnIoErrorNamingTheInput) {
  for (auto mode : {aq::Mode::Streaming, aq::Mode::Batch})
    for (double keep : {0.0, 0.3, 0.7, 0.95}) {
      TempDir dir;
      std::filesystem::create_directory(dir / "out");
      aqtest::write_mini_dit(dir / "m.safetensors");
      const auto size = std::filesystem::file_size(dir / "m.safetensors");
      const auto r = run_with(dir / "m.safetensors", dir / "out" / "q.safetensors", [&] {
        std::filesystem::resize_file(dir / "m.safetensors", uint64_t(double(size) * keep));
      }, mode);
      ASSERT_EQ(r.status, aq::JobStatus::Failed) << "keep " << keep;
      EXPECT_EQ(r.error.kind, aq::ErrorKind::Io);
      EXPECT_EQ(r.error.file, (dir / "m.safetensors").string());
      EXPECT_NE(r.error.reason.find("shrank"), std::string::npos) << r.error.message();
      EXPECT_EQ(entries(dir / "out"), 0u) << "no output or temporary may remain";
    }
}

TEST(InputShrinks, WhileDequantizingOrComparing) {
  TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  ASSERT_EQ(run_with(dir / "m.safetensors", dir / "q.safetensors", [] {}).status, aq::JobStatus::Succeeded);
  std::filesystem::create_directory(dir / "out");
  bool shrunk = false;
  auto d = aq::dequantize_file(dir / "q.safetensors", dir / "out" / "d.safetensors", aq::DType::F32, nullptr,
                               [&](double) {
                                 if (!shrunk) std::filesystem::resize_file(dir / "q.safetensors", 200);
                                 shrunk = true;
                               });
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().kind, aq::ErrorKind::Io);
  EXPECT_EQ(d.error().file, (dir / "q.safetensors").string()) << d.error().message();
  EXPECT_EQ(entries(dir / "out"), 0u);
}

// Same size, new bytes: the mapping may or may not see them, so the run must not trust them.
TEST(InputChanges, UnderARunedFileFailsTheRun) {
  TempDir dir;
  std::filesystem::create_directory(dir / "out");
  aqtest::write_mini_dit(dir / "m.safetensors");
  const auto r = run_with(dir / "m.safetensors", dir / "out" / "q.safetensors", [&] {
    const int fd = ::open((dir / "m.safetensors").c_str(), O_WRONLY);
    const char junk[16] = {};
    ASSERT_EQ(::pwrite(fd, junk, sizeof junk, 4096), 16);
    struct timespec times[2] = {{0, UTIME_OMIT}, {1, 0}};  // a different mtime, whatever the clock's grain
    ::futimens(fd, times);
    ::close(fd);
  });
  ASSERT_EQ(r.status, aq::JobStatus::Failed);
  EXPECT_EQ(r.error.kind, aq::ErrorKind::Io);
  EXPECT_NE(r.error.reason.find("changed while it was being read"), std::string::npos) << r.error.message();
  EXPECT_EQ(entries(dir / "out"), 0u);
}

TEST(PackedInput, QuantizingOurOwnOutputIsRefusedWithWhatToDo) {
  TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  ASSERT_EQ(run_with(dir / "m.safetensors", dir / "q.safetensors", [] {}).status, aq::JobStatus::Succeeded);
  const auto r = run_with(dir / "q.safetensors", dir / "qq.safetensors", [] {});
  ASSERT_EQ(r.status, aq::JobStatus::Failed);
  EXPECT_EQ(r.error.kind, aq::ErrorKind::BadInput);
  EXPECT_NE(r.error.reason.find("already quantized"), std::string::npos) << r.error.message();
  EXPECT_NE(r.error.reason.find("dequantize"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "qq.safetensors"));
}

TEST(ReservedNames, ASourceTensorNamedLikeAPackedPieceIsRefused) {
  for (const char* suffix : {".aq_codes", ".aq_scales", ".aq_zeros"}) {
    TempDir dir;
    auto tensors = aqtest::mini_dit_tensors();
    tensors.push_back({std::string("blocks.0.attn.qkv.weight") + suffix, "F16", {64, 64},
                       aqtest::f16_bytes(aqtest::gaussian(64 * 64, 9))});
    aqtest::write_safetensors(dir / "m.safetensors", tensors);
    const auto r = run_with(dir / "m.safetensors", dir / "q.safetensors", [] {});
    ASSERT_EQ(r.status, aq::JobStatus::Failed) << suffix;
    EXPECT_EQ(r.error.tensor, std::string("blocks.0.attn.qkv.weight") + suffix);
    EXPECT_NE(r.error.reason.find("reserves"), std::string::npos) << r.error.message();
    EXPECT_FALSE(std::filesystem::exists(dir / "q.safetensors"));
  }
}

// A LoRA's training keys, and a PyTorch file's "format": "pt", survive quantize and dequantize.
TEST(Metadata, SourceKeysSurviveQuantizeAndDequantize) {
  TempDir dir;
  std::map<std::string, std::string> meta = {{"format", "pt"}, {"arrowquant", "a key of the source's own"}};
  for (int i = 0; i < 196; ++i) meta["ss_training_key_" + std::to_string(i)] = "value " + std::to_string(i * 7);
  meta["ss_tag_frequency"] = R"({"dataset": {"a cat": 3}})";
  aqtest::write_safetensors(dir / "m.safetensors", aqtest::mini_dit_tensors(), meta);
  ASSERT_EQ(run_with(dir / "m.safetensors", dir / "q.safetensors", [] {}).status, aq::JobStatus::Succeeded);

  auto q = aq::open_model(dir / "q.safetensors");
  ASSERT_TRUE(q.ok());
  const auto& qm = (*q)->metadata();
  EXPECT_EQ(qm.at("format"), "arrowquant");
  EXPECT_EQ(qm.at("arrowquant.source.format"), "pt");
  EXPECT_EQ(qm.at("ss_training_key_195"), "value 1365");
  EXPECT_EQ(qm.at("ss_tag_frequency"), meta.at("ss_tag_frequency"));

  ASSERT_TRUE(aq::dequantize_file(dir / "q.safetensors", dir / "d.safetensors", aq::DType::F16).ok());
  auto d = aq::open_model(dir / "d.safetensors");
  ASSERT_TRUE(d.ok());
  auto restored = (*d)->metadata();
  EXPECT_EQ(restored.at("dequantized_from"), "q.safetensors");
  restored.erase("dequantized_from");
  EXPECT_EQ(restored, meta);
}

// A legal tensor of 2^62 rows and no columns holds no data: comparing it is instant.
TEST(Compare, EmptyTensorsWithHugeRowCountsAreInstant) {
  TempDir dir;
  const std::vector<aqtest::FixtureTensor> t = {{"empty", "F32", {int64_t(1) << 62, 0}, {}},
                                                {"w", "F32", {4, 4}, aqtest::f32_bytes(aqtest::gaussian(16, 1))}};
  aqtest::write_safetensors(dir / "a.safetensors", t);
  aqtest::write_safetensors(dir / "b.safetensors", t);
  const auto start = std::chrono::steady_clock::now();
  auto c = aq::compare_models(dir / "a.safetensors", dir / "b.safetensors");
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->problems, 0u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));  // a hang guard, not a timing
}

}  // namespace
