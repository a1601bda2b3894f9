// verify_run (core/job/verify_run.h): the written file, read back against the source, matches
// what the run reported, for packed and GGUF outputs; a file altered after the run does not.
#include <gtest/gtest.h>

#include <fstream>

#include "gguf/ggml_types.h"
#include "job/compare.h"
#include "job/job.h"
#include "job/verify_run.h"
#include "model_fixtures.h"
#include "test_support.h"

namespace {

void write_model(const std::filesystem::path& path) {
  std::vector<aqtest::FixtureTensor> t;
  t.push_back({"blocks.0.mlp.fc1.weight", "F32", {64, 512}, aqtest::f32_bytes(aqtest::gaussian(64 * 512, 1))});
  t.push_back({"blocks.0.attn.qkv.weight", "F32", {96, 256}, aqtest::f32_bytes(aqtest::gaussian(96 * 256, 2))});
  t.push_back({"blocks.0.norm.weight", "F32", {256}, aqtest::f32_bytes(aqtest::gaussian(256, 3))});
  aqtest::write_safetensors(path, t, {});
}

aq::JobResult run(const std::filesystem::path& in, const std::filesystem::path& out, int ggml_type = -1) {
  aq::JobConfig c;
  c.input = in;
  c.output = out;
  c.plan.keep_sensitive = false;
  c.plan.scheme.ggml_type = ggml_type;
  return aqtest::run_quietly(c);
}

TEST(VerifyRun, TheWrittenFileMatchesTheRunForPackedAndGguf) {
  aqtest::TempDir dir;
  write_model(dir / "m.safetensors");
  for (const auto& [name, type] : {std::pair<const char*, int>{"p.safetensors", -1},
                                   {"g.gguf", int(aq::gguf::find_type("q4_k")->type)}}) {
    SCOPED_TRACE(name);
    const auto r = run(dir / "m.safetensors", dir / name, type);
    ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
    auto back = aq::compare_models(dir / "m.safetensors", dir / name);
    ASSERT_TRUE(back.ok()) << back.error().message();
    const aq::RunVerification v = aq::verify_run(r, *back);
    EXPECT_TRUE(v.ok()) << v.summary(name);
    EXPECT_EQ(v.tensors.size(), 2u);
    EXPECT_NE(v.summary(name).find("all 2 quantized tensors"), std::string::npos);
  }
}

TEST(VerifyRun, AFileAlteredAfterTheRunIsCaught) {
  aqtest::TempDir dir;
  write_model(dir / "m.safetensors");
  const auto r = run(dir / "m.safetensors", dir / "p.safetensors");
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded);
  // Flip bytes in the middle of the file: codes of a quantized tensor.
  {
    std::fstream f(dir / "p.safetensors", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(std::streamoff(std::filesystem::file_size(dir / "p.safetensors") / 2));
    const char junk[64] = {char(0x5a), char(0xa5), char(0x0f), char(0xf0)};
    f.write(junk, sizeof junk);
  }
  auto back = aq::compare_models(dir / "m.safetensors", dir / "p.safetensors");
  ASSERT_TRUE(back.ok()) << back.error().message();
  const aq::RunVerification v = aq::verify_run(r, *back);
  EXPECT_FALSE(v.ok());
  EXPECT_GE(v.mismatched, 1u);
  EXPECT_NE(v.summary("p.safetensors").find("does not hold what the run measured"), std::string::npos);

  // A run whose tensors are not in the file at all.
  aq::JobResult other = r;
  for (auto& t : other.tensors) t.name += ".renamed";
  const aq::RunVerification none = aq::verify_run(other, *back);
  EXPECT_EQ(none.missing, 2u);
  EXPECT_FALSE(none.ok());
}

}  // namespace
