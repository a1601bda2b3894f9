// Mixed precision under a size budget, through run_job: the output fits the budget, its total
// error beats the uniform scheme of about the same size, rules still win, GGUF outputs choose
// among ggml types, and with a calibration file the choice is made on the output error.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "job/job.h"
#include "model_fixtures.h"
#include "test_support.h"

namespace {

using namespace aqtest;
namespace fs = std::filesystem;

// Tensors that differ in how they quantize: every other one heavy-tailed (a few large weights).
void write_mixed_model(const fs::path& path) {
  std::vector<FixtureTensor> tensors;
  for (int i = 0; i < 6; ++i) {
    auto w = gaussian(64 * 256, 10 + uint64_t(i), 0.02f);
    if (i % 2)
      for (std::size_t j = 0; j < w.size(); j += 37) w[j] *= 12.0f;  // outliers
    tensors.push_back({"blocks." + std::to_string(i) + ".mlp.fc1.weight", "F32", {64, 256}, f32_bytes(w)});
  }
  write_safetensors(path, tensors);
}

double summed_error(const aq::JobResult& r) {  // what the allocation minimises: sum of rel^2
  double total = 0;
  for (const auto& t : r.tensors)
    if (t.quantized()) total += t.metrics.rel_fro_error * t.metrics.rel_fro_error;
  return total;
}

aq::JobConfig base_config(const fs::path& model) {
  aq::JobConfig c;
  c.input = model;
  c.plan.keep_sensitive = false;
  return c;
}

TEST(MixedPrecision, FitsTheBudgetAndBeatsTheUniformSchemeOfTheSameSize) {
  TempDir dir;
  write_mixed_model(dir / "m.safetensors");
  auto c = base_config(dir / "m.safetensors");
  c.plan.scheme.bits = 3;
  const auto uniform = run_quietly(c);
  ASSERT_EQ(uniform.status, aq::JobStatus::Succeeded) << uniform.error.message();
  c.plan.scheme.bits = 4;
  c.budget.target_bpw = uniform.bits_per_weight();
  const auto mixed = run_quietly(c);
  ASSERT_EQ(mixed.status, aq::JobStatus::Succeeded) << mixed.error.message();
  EXPECT_LE(mixed.output_bytes, uniform.output_bytes);
  EXPECT_LT(summed_error(mixed), 0.9 * summed_error(uniform));
  // Not one scheme for all: the tensors differ, and so do their choices.
  std::set<std::string> schemes;
  for (const auto& t : mixed.tensors) {
    schemes.insert(t.scheme.describe());
    EXPECT_NE(t.reason.find("size budget: "), std::string::npos) << t.reason;
  }
  EXPECT_GE(schemes.size(), 2u);
}

TEST(MixedPrecision, RulesStillWin) {
  TempDir dir;
  write_mixed_model(dir / "m.safetensors");
  auto c = base_config(dir / "m.safetensors");
  auto rule = aq::parse_user_rule("blocks\\.1\\.=8");
  ASSERT_TRUE(rule.ok());
  c.plan.rules.push_back(*rule);
  c.budget.target_bpw = 4.0;
  const auto r = run_quietly(c);
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  for (const auto& t : r.tensors)
    if (t.name.rfind("blocks.1.", 0) == 0) {
      EXPECT_EQ(t.scheme.bits, 8);
      EXPECT_NE(t.reason.find("user rule"), std::string::npos) << t.reason;
    }
  EXPECT_LE(r.bits_per_weight(), 4.0 + 1e-9);
}

TEST(MixedPrecision, GgufChoosesAmongGgmlTypes) {
  TempDir dir;
  write_mixed_model(dir / "m.safetensors");
  auto c = base_config(dir / "m.safetensors");
  c.output = dir / "m.gguf";
  c.plan.scheme.ggml_type = 12;  // q4_k
  c.budget.target_bpw = 4.0;
  const auto r = run_quietly(c);
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  std::set<int> types;
  for (const auto& t : r.tensors) types.insert(t.scheme.ggml_type);
  EXPECT_GE(types.size(), 2u);
  EXPECT_LE(r.bits_per_weight(), 4.0 + 1e-9);
}

TEST(MixedPrecision, ImpossibleBudgetIsAClearError) {
  TempDir dir;
  write_mixed_model(dir / "m.safetensors");
  auto c = base_config(dir / "m.safetensors");
  c.output = dir / "q.safetensors";
  c.budget.target_bpw = 1.0;
  const auto r = run_quietly(c);
  ASSERT_EQ(r.status, aq::JobStatus::Failed);
  EXPECT_EQ(r.error.kind, aq::ErrorKind::BadArgument);
  EXPECT_NE(r.error.message().find("cannot be met"), std::string::npos) << r.error.message();
  EXPECT_FALSE(fs::exists(dir / "q.safetensors"));
}

TEST(MixedPrecision, StreamingAndBatchChooseAndWriteTheSame) {
  TempDir dir;
  write_mixed_model(dir / "m.safetensors");
  auto c = base_config(dir / "m.safetensors");
  c.budget.target_bpw = 3.6;
  c.output = dir / "s.safetensors";
  ASSERT_EQ(run_quietly(c).status, aq::JobStatus::Succeeded);
  c.mode = aq::Mode::Batch;
  c.output = dir / "b.safetensors";
  ASSERT_EQ(run_quietly(c).status, aq::JobStatus::Succeeded);
  EXPECT_EQ(read_file(dir / "s.safetensors"), read_file(dir / "b.safetensors"));
}

}  // namespace
