#include <gtest/gtest.h>

#include "io/model_source.h"
#include "model_fixtures.h"
#include "plan/keep_rules.h"
#include "plan/plan.h"
#include "gguf/ggml_types.h"

namespace {

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    aqtest::write_mini_dit(dir_ / "m.safetensors");
    auto s = aq::open_model(dir_ / "m.safetensors");
    ASSERT_TRUE(s.ok()) << s.error().message();
    source_ = std::move(*s);
  }
  const aq::TensorPlan& plan_of(const aq::Plan& plan, const std::string& name) {
    return plan.tensors[std::size_t(source_->find(name))];
  }
  aqtest::TempDir dir_;
  std::unique_ptr<aq::ModelSource> source_;
};

TEST_F(PlanTest, DefaultRulesKeepWhatDiffusionNeedsWithAReason) {
  const aq::Plan plan = aq::make_plan(*source_, {});
  EXPECT_EQ(plan.family, aq::ModelFamily::DiT);
  EXPECT_EQ(plan_of(plan, "blocks.0.attn.qkv.bias").decision, aq::Decision::KeepOneDim);
  EXPECT_EQ(plan_of(plan, "num_steps").decision, aq::Decision::KeepNotFloat);
  EXPECT_EQ(plan_of(plan, "x_embedder.proj.weight").decision, aq::Decision::KeepSensitive);
  EXPECT_EQ(plan_of(plan, "t_embedder.mlp.0.weight").decision, aq::Decision::KeepSensitive);
  EXPECT_EQ(plan_of(plan, "pos_embed").decision, aq::Decision::KeepSensitive);
  EXPECT_EQ(plan_of(plan, "final_layer.linear.weight").decision, aq::Decision::KeepSensitive);
  EXPECT_EQ(plan_of(plan, "y_embedder.embedding_table.weight").decision, aq::Decision::KeepSensitive);
  EXPECT_NE(plan_of(plan, "t_embedder.mlp.0.weight").reason.find("t_embedder."), std::string::npos);
  EXPECT_EQ(plan_of(plan, "blocks.0.mlp.fc1.weight").decision, aq::Decision::Quantize);
  EXPECT_EQ(plan_of(plan, "blocks.1.attn.proj.weight").decision, aq::Decision::Quantize);  // BF16
}

TEST_F(PlanTest, SmallTensorsStayInFloat) {
  aq::PlanOptions opt;
  opt.min_elements = 96 * 96;
  const aq::Plan plan = aq::make_plan(*source_, opt);
  EXPECT_EQ(plan_of(plan, "blocks.0.attn.proj.weight").decision, aq::Decision::KeepSmall);
  EXPECT_EQ(plan_of(plan, "blocks.0.mlp.fc1.weight").decision, aq::Decision::Quantize);
}

TEST_F(PlanTest, UserRulesFirstMatchWins) {
  aq::PlanOptions opt;
  auto keep = aq::make_keep_rule("fc2");
  auto int2 = aq::parse_user_rule("blocks\\.1\\..*=2:32");
  auto shadowed = aq::parse_user_rule("fc2=8");
  ASSERT_TRUE(keep.ok() && int2.ok() && shadowed.ok());
  opt.rules = {*keep, *int2, *shadowed};
  const aq::Plan plan = aq::make_plan(*source_, opt);
  EXPECT_EQ(plan_of(plan, "blocks.1.mlp.fc2.weight").decision, aq::Decision::KeepUser);
  const auto& qkv = plan_of(plan, "blocks.1.attn.qkv.weight");
  EXPECT_EQ(qkv.decision, aq::Decision::Quantize);
  EXPECT_EQ(qkv.scheme.bits, 2);
  EXPECT_EQ(qkv.scheme.group_size, 32);
  EXPECT_EQ(plan_of(plan, "blocks.0.attn.qkv.weight").scheme.bits, 4);
}

TEST(UserRule, RejectsBadSpecs) {
  EXPECT_FALSE(aq::parse_user_rule("fc1=5").ok());
  EXPECT_FALSE(aq::parse_user_rule("fc1=4:4").ok());
  EXPECT_FALSE(aq::parse_user_rule("fc1").ok());
  EXPECT_FALSE(aq::make_keep_rule("(unclosed").ok());
  auto channel = aq::parse_user_rule("fc1=8:channel");
  ASSERT_TRUE(channel.ok());
  EXPECT_EQ(channel->group_size, 0);
}

TEST(KeepRules, FamilySpecificRulesApplyOnlyToTheirFamily) {
  EXPECT_NE(aq::match_keep_rule("double_blocks.0.img_in.weight", aq::ModelFamily::Flux), nullptr);
  EXPECT_EQ(aq::match_keep_rule("blocks.0.time_emb_proj.weight", aq::ModelFamily::UNet), nullptr);
  EXPECT_NE(aq::match_keep_rule("blocks.0.time_projection.weight", aq::ModelFamily::Wan), nullptr);
  EXPECT_NE(aq::match_keep_rule("model.diffusion_model.input_blocks.0.0.weight", aq::ModelFamily::UNet), nullptr);
  EXPECT_NE(aq::match_keep_rule("anything.bias", aq::ModelFamily::Unknown), nullptr);
  // Unknown family: the specific lists apply (a custom UNet's time_embed), Wan's broad ones do not.
  EXPECT_NE(aq::match_keep_rule("gt.time_embed.0.weight", aq::ModelFamily::Unknown), nullptr);
  EXPECT_EQ(aq::match_keep_rule("blocks.0.time_mix.weight", aq::ModelFamily::Unknown), nullptr);
  EXPECT_EQ(aq::match_keep_rule("lm_head.weight", aq::ModelFamily::Unknown), nullptr);
}

TEST(PackedLayout, ShorterLastGroupAndRowPadding) {
  aq::QuantScheme s;
  s.bits = 3;
  s.group_size = 64;
  const auto l = aq::packed_layout(10, 100, s);
  EXPECT_EQ(l.groups_per_row, 2);          // 64 + 36
  EXPECT_EQ(l.row_bytes, (100 * 3 + 7) / 8);
  EXPECT_EQ(l.scales_bytes, 10u * 2 * 2);
  s.group_size = 0;
  EXPECT_EQ(aq::packed_layout(10, 100, s).groups_per_row, 1);
}

}  // namespace

namespace {

// GGUF plans explain themselves: f16 asked for a BF16 tensor says why nothing changes, and a
// no-gain keep speaks of blocks, not of scales and zeros a ggml type does not have.
TEST_F(PlanTest, GgufReasonsSayWhatHappens) {
  aq::PlanOptions o;
  o.keep_sensitive = false;
  o.scheme.ggml_type = int(aq::gguf::GgmlType::F16);
  const aq::Plan f16 = aq::make_plan(*source_, o);
  const auto& bf16 = plan_of(f16, "blocks.1.attn.proj.weight");
  EXPECT_EQ(bf16.decision, aq::Decision::KeepNoBlock);
  EXPECT_NE(bf16.reason.find("f16 would not make a BF16 tensor smaller"), std::string::npos) << bf16.reason;
  o.scheme.ggml_type = int(aq::gguf::GgmlType::BF16);  // no smaller than an F16 or BF16 source
  int no_gain = 0;
  for (const auto& p : aq::make_plan(*source_, o).tensors)
    if (p.decision == aq::Decision::KeepNoGain) {
      ++no_gain;
      EXPECT_EQ(p.reason.find("scale"), std::string::npos) << p.reason;
      EXPECT_NE(p.reason.find("blocks per row"), std::string::npos) << p.reason;
    }
  EXPECT_GT(no_gain, 0);
}

}  // namespace
