// The output-format table: file names choose a format, and an unknown name is refused before a run
// instead of getting a safetensors file under a misleading extension.
#include <gtest/gtest.h>

#include "io/output_formats.h"
#include "job/job.h"
#include "model_fixtures.h"

namespace {

TEST(OutputFormats, ExtensionsChooseTheFormatInAnyCase) {
  EXPECT_EQ(aq::output_format_for("m.safetensors")->id, "safetensors");
  EXPECT_EQ(aq::output_format_for("/x/m.H5")->id, "hdf5");
  EXPECT_EQ(aq::output_format_for("m.hdf5")->id, "hdf5");
  EXPECT_EQ(aq::output_format_for("m.GGUF")->id, "gguf");
  for (const char* name : {"m", "m.bin", "m.safetensors.tmp", "m.h5.part"})
    EXPECT_EQ(aq::output_format_for(name), nullptr) << name;
  EXPECT_EQ(aq::output_extensions_text(), ".safetensors, .h5, .hdf5 or .gguf");
  EXPECT_EQ(aq::output_name_patterns(), "*.safetensors *.h5 *.hdf5 *.gguf");
}

TEST(OutputFormats, AnUnknownNameIsRefusedBeforeTheRun) {
  aqtest::TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  aq::JobConfig c;
  c.input = dir / "m.safetensors";
  c.output = dir / "m-int4.bin";
  const auto r = aqtest::run_quietly(c);
  ASSERT_EQ(r.status, aq::JobStatus::Failed);
  EXPECT_EQ(r.error.kind, aq::ErrorKind::BadArgument);
  EXPECT_NE(r.error.reason.find(".safetensors, .h5, .hdf5 or .gguf"), std::string::npos) << r.error.message();
  EXPECT_TRUE(r.tensors.empty());
  EXPECT_FALSE(std::filesystem::exists(c.output));
}

TEST(OutputFormats, AnInvalidSchemeOrRuleIsRefusedBeforeTheRun) {
  aqtest::TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  aq::JobConfig c;
  c.input = dir / "m.safetensors";
  c.output = dir / "q.safetensors";
  c.plan.scheme.bits = 5;
  auto r = aqtest::run_quietly(c);
  EXPECT_EQ(r.error.kind, aq::ErrorKind::BadArgument);
  EXPECT_NE(r.error.reason.find("2, 3, 4 or 8"), std::string::npos) << r.error.message();
  c.plan.scheme.bits = 4;
  aq::UserRule rule;
  rule.pattern = "qkv";
  rule.regex = std::regex("qkv");
  rule.group_size = 3;
  c.plan.rules.push_back(rule);
  r = aqtest::run_quietly(c);
  EXPECT_EQ(r.error.kind, aq::ErrorKind::BadArgument);
  EXPECT_NE(r.error.reason.find("rule 'qkv'"), std::string::npos) << r.error.message();
  EXPECT_FALSE(std::filesystem::exists(c.output));
}

}  // namespace
