// GGUF output end to end: every type written, read back by our own reader, dequantized with the
// error quantize reported; identical bytes from both schedulers; fallbacks with their reasons.
#include <gtest/gtest.h>

#include "gguf/ggml_types.h"
#include "io/model_source.h"
#include "io/packed_writer.h"
#include "job/compare.h"
#include "job/dequantize.h"
#include "job/job.h"
#include "model_fixtures.h"

namespace {

using aqtest::FixtureTensor;
using aqtest::TempDir;

const char* const kTypes[] = {"f32", "f16", "bf16", "q8_0", "q5_0", "q5_1", "q4_0", "q4_1", "q6_k", "q5_k", "q4_k", "q3_k", "q2_k"};

// Rows that every type divides (512), rows only the 32-weight types divide (96), rows nothing divides (40).
void write_model(const std::filesystem::path& path) {
  auto f32 = [](int64_t r, int64_t c, uint64_t seed) {
    return FixtureTensor{"", "F32", {r, c}, aqtest::f32_bytes(aqtest::gaussian(std::size_t(r * c), seed))};
  };
  std::vector<FixtureTensor> t;
  t.push_back(f32(64, 512, 1));  t.back().name = "blocks.0.mlp.fc1.weight";
  t.push_back(f32(64, 96, 2));   t.back().name = "blocks.0.attn.proj.weight";
  t.push_back(f32(64, 40, 3));   t.back().name = "blocks.0.attn.odd.weight";
  t.push_back(FixtureTensor{"blocks.0.norm.weight", "F16", {512}, aqtest::f16_bytes(aqtest::gaussian(512, 4))});
  t.push_back(FixtureTensor{"blocks.0.conv.weight", "F32", {64, 8, 2, 2, 8}, aqtest::f32_bytes(aqtest::gaussian(64 * 256, 5))});
  aqtest::write_safetensors(path, t, {{"format", "pt"}});
}

aq::JobResult quantize(const std::filesystem::path& in, const std::filesystem::path& out, const std::string& type,
                       aq::Mode mode = aq::Mode::Streaming) {
  aq::JobConfig c;
  c.input = in;
  c.output = out;
  c.mode = mode;
  c.block_bytes = 4096;
  c.plan.scheme.ggml_type = int(aq::gguf::find_type(type)->type);
  c.plan.keep_sensitive = false;
  return aqtest::run_quietly(c);
}

class GgufOutput : public ::testing::Test {
 protected:
  void SetUp() override { write_model(model_); }
  TempDir dir_;
  std::filesystem::path model_ = dir_ / "m.safetensors";
};

TEST_F(GgufOutput, EveryTypeRoundTripsWithTheErrorQuantizeReported) {
  for (const char* type : kTypes) {
    SCOPED_TRACE(type);
    const auto out = dir_ / (std::string("m-") + type + ".gguf");
    const auto r = quantize(model_, out, type);
    ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
    // The size `plan` shows before the run is the file's, to the byte (5-D fold and all).
    auto source = aq::open_model(model_);
    ASSERT_TRUE(source.ok());
    aq::PlanOptions options;
    options.scheme.ggml_type = int(aq::gguf::find_type(type)->type);
    options.keep_sensitive = false;
    const auto predicted = aq::gguf_file_bytes(**source, aq::make_plan(**source, options));
    ASSERT_TRUE(predicted.ok()) << predicted.error().message();
    EXPECT_EQ(*predicted, std::filesystem::file_size(out));
    auto back = aq::open_model(out);
    ASSERT_TRUE(back.ok()) << back.error().message();
    ASSERT_EQ((*back)->tensors().size(), 5u);
    // The 5-D convolution comes back whole (comfy.gguf.orig_shape).
    const auto conv = (*back)->find("blocks.0.conv.weight");
    ASSERT_GE(conv, 0);
    EXPECT_EQ((*back)->tensors()[std::size_t(conv)].shape, (std::vector<int64_t>{64, 8, 2, 2, 8}));

    std::filesystem::remove(dir_ / "d.safetensors");
    auto d = aq::dequantize_file(out, dir_ / "d.safetensors", aq::DType::F32);
    ASSERT_TRUE(d.ok()) << d.error().message();
    auto cmp = aq::compare_models(model_, dir_ / "d.safetensors");
    ASSERT_TRUE(cmp.ok()) << cmp.error().message();
    for (const auto& t : r.tensors) {
      if (!t.quantized()) continue;
      for (const auto& c : cmp->tensors)
        if (c.name == t.name) EXPECT_NEAR(c.metrics.sqnr_db, t.metrics.sqnr_db, 1e-3) << t.name;
    }
  }
}

TEST_F(GgufOutput, StreamingAndBatchWriteIdenticalBytes) {
  for (const char* type : {"q8_0", "q4_1", "q4_k", "q6_k", "q2_k"}) {
    ASSERT_EQ(quantize(model_, dir_ / "s.gguf", type).status, aq::JobStatus::Succeeded);
    ASSERT_EQ(quantize(model_, dir_ / "b.gguf", type, aq::Mode::Batch).status, aq::JobStatus::Succeeded);
    EXPECT_EQ(aqtest::read_file(dir_ / "s.gguf"), aqtest::read_file(dir_ / "b.gguf")) << type;
  }
}

TEST_F(GgufOutput, RowsABlockDoesNotDivideFallBackWithTheReason) {
  const auto r = quantize(model_, dir_ / "q.gguf", "q4_k");
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded);
  for (const auto& t : r.tensors) {
    if (t.name == "blocks.0.mlp.fc1.weight") EXPECT_EQ(t.scheme.describe(), "q4_k");
    if (t.name == "blocks.0.attn.proj.weight") {
      EXPECT_EQ(t.scheme.describe(), "q4_1");
      EXPECT_NE(t.reason.find("not a multiple of q4_k's 256-weight block"), std::string::npos) << t.reason;
    }
    if (t.name == "blocks.0.attn.odd.weight") {  // F32 with rows of 40: nothing divides, so f16
      EXPECT_EQ(t.scheme.describe(), "f16");
      EXPECT_NE(t.reason.find("f16 instead"), std::string::npos) << t.reason;
    }
  }
}

TEST_F(GgufOutput, GgufInputIsReadButNotQuantizedAgain) {
  ASSERT_EQ(quantize(model_, dir_ / "q.gguf", "q4_0").status, aq::JobStatus::Succeeded);
  const auto again = quantize(dir_ / "q.gguf", dir_ / "qq.gguf", "q4_0");
  ASSERT_EQ(again.status, aq::JobStatus::Failed);
  EXPECT_NE(again.error.reason.find("already quantized"), std::string::npos) << again.error.message();
}

TEST_F(GgufOutput, AGgmlTypeNeedsAGgufOutputAndBack) {
  auto r = quantize(model_, dir_ / "q.safetensors", "q4_k");
  EXPECT_EQ(r.error.kind, aq::ErrorKind::BadArgument);
  EXPECT_NE(r.error.reason.find(".gguf"), std::string::npos) << r.error.message();
  aq::JobConfig c;
  c.input = model_;
  c.output = dir_ / "q.gguf";  // INT4 packed integers cannot go into GGUF
  r = aqtest::run_quietly(c);
  EXPECT_EQ(r.error.kind, aq::ErrorKind::BadArgument);
  EXPECT_NE(r.error.reason.find("--type"), std::string::npos) << r.error.message();
}

}  // namespace
