// "Never make a model worse": the plan never quantizes a tensor whose packed size is not clearly
// smaller than its source, knows when a whole output would not shrink, and keeps the input and
// output layers of models whose family it does not know (docs/PLAN_RULES.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "io/model_source.h"
#include "../io/io_test_util.h"
#include "job/estimate.h"
#include "job/job.h"
#include "model_fixtures.h"
#include "plan/plan.h"
#include "tensor/tensor_info.h"
#include "test_support.h"

namespace {

using aqtest::FixtureTensor;

FixtureTensor weight(const std::string& name, std::vector<int64_t> shape, const std::string& dtype = "F16",
                     uint64_t seed = 1) {
  std::size_t n = 1;
  for (int64_t d : shape) n *= std::size_t(d);
  const auto v = aqtest::gaussian(n, seed, 0.02f);
  return {name, dtype, std::move(shape),
          dtype == "F32" ? aqtest::f32_bytes(v) : dtype == "BF16" ? aqtest::bf16_bytes(v) : aqtest::f16_bytes(v)};
}

std::unique_ptr<aq::ModelSource> write_and_open(const aqtest::TempDir& dir, const std::string& file,
                                                const std::vector<FixtureTensor>& tensors) {
  aqtest::write_safetensors(dir / file, tensors);
  return aqtest::open_ok(dir / file);
}

const aq::TensorPlan& plan_of(const aq::ModelSource& s, const aq::Plan& plan, const std::string& name) {
  const auto i = s.find(name);
  EXPECT_GE(i, 0) << name;
  return plan.tensors.at(std::size_t(i));
}

// The invariant, for every tensor and for the whole plan.
void expect_never_larger(const aq::ModelSource& s, const aq::Plan& plan, const std::string& what) {
  uint64_t in = 0, out = 0;
  for (const auto& p : plan.tensors) {
    const aq::TensorInfo& t = s.tensors()[p.index];
    EXPECT_EQ(p.input_bytes, t.nbytes) << what << " " << t.name;
    if (p.quantized()) {
      EXPECT_LE(double(p.output_bytes), aq::kMaxPackedToSourceRatio * double(p.input_bytes))
          << what << " " << t.name << " " << t.shape_string() << " " << p.scheme.describe();
      EXPECT_LT(p.output_bytes, p.input_bytes) << what << " " << t.name;
      EXPECT_EQ(p.output_bytes, aq::packed_layout(t.rows(), t.cols(), p.scheme).total_bytes());
    } else {
      EXPECT_EQ(p.output_bytes, p.input_bytes) << what << " " << t.name;
    }
    in += p.input_bytes;
    out += p.output_bytes;
  }
  EXPECT_EQ(plan.input_bytes, in) << what;
  EXPECT_EQ(plan.output_bytes, out) << what;
  EXPECT_LE(plan.output_bytes, plan.input_bytes) << what;
  EXPECT_EQ(plan.shrinks(), plan.output_bytes < plan.input_bytes) << what;
  EXPECT_EQ(plan.size_warning().empty(), plan.shrinks()) << what;
}

aq::QuantScheme scheme(int bits, int group, bool symmetric = false) {
  aq::QuantScheme s;
  s.bits = bits;
  s.group_size = group;
  s.symmetric = symmetric;
  return s;
}

// ------------------------------------------------------------------------------ thin tensors

class LoraShapes : public ::testing::Test {
 protected:
  void SetUp() override {
    // A LoRA's pieces: [N, rank] up projections, [rank, N] down projections.
    source_ = write_and_open(dir_, "lora.safetensors",
                             {weight("a.lora_up.weight", {3072, 1}, "F16", 1),
                              weight("b.lora_up.weight", {3072, 4}, "F16", 2),
                              weight("c.lora_down.weight", {4, 3072}, "F16", 3),
                              weight("d.lora_up.weight", {3072, 16}, "F16", 4),
                              weight("e.lora_up.weight", {2048, 1}, "F32", 5),
                              weight("f.lora_up.weight", {2048, 4}, "BF16", 6),
                              weight("g.lora_down.weight", {16, 2048}, "BF16", 7)});
    ASSERT_TRUE(source_);
  }
  aqtest::TempDir dir_;
  std::unique_ptr<aq::ModelSource> source_;
};

TEST_F(LoraShapes, NoQuantizedTensorGrowsAtAnyBitsOrGroup) {
  for (int bits : {2, 3, 4, 8})
    for (int group : {32, 64, 128, 0})
      for (bool sym : {false, true})
        for (bool keep_sensitive : {true, false}) {
          aq::PlanOptions opt;
          opt.scheme = scheme(bits, group, sym);
          opt.keep_sensitive = keep_sensitive;
          const aq::Plan plan = aq::make_plan(*source_, opt);
          expect_never_larger(*source_, plan, opt.scheme.describe());
          // [N, 1] rows of one element carry a whole F16 scale each: never worth it.
          EXPECT_FALSE(plan_of(*source_, plan, "a.lora_up.weight").quantized()) << opt.scheme.describe();
          // [rank, N] rows are long: always quantized when the edge rule leaves them alone.
          if (!keep_sensitive) {
            EXPECT_TRUE(plan_of(*source_, plan, "c.lora_down.weight").quantized()) << opt.scheme.describe();
          }
        }
}

TEST_F(LoraShapes, ThinTensorIsKeptWithBothSizesInTheReason) {
  aq::PlanOptions opt;  // INT4 g64 asym
  opt.keep_sensitive = false;
  const aq::Plan plan = aq::make_plan(*source_, opt);
  const auto& a = plan_of(*source_, plan, "a.lora_up.weight");
  EXPECT_EQ(a.decision, aq::Decision::KeepNoGain);
  EXPECT_EQ(aq::decision_name(a.decision), "keep:no-gain");
  EXPECT_EQ(a.output_bytes, a.input_bytes);
  // 3072 rows x (1 code byte + F16 scale + F16 zero) = 15360 bytes = 40 bits/weight, vs 6144 bytes.
  EXPECT_NE(a.reason.find("INT4 g64"), std::string::npos) << a.reason;
  EXPECT_NE(a.reason.find("40.00 bits/weight"), std::string::npos) << a.reason;
  EXPECT_NE(a.reason.find("15360 bytes"), std::string::npos) << a.reason;
  EXPECT_NE(a.reason.find("F16 source's 6144 bytes"), std::string::npos) << a.reason;
  EXPECT_NE(a.reason.find("3072 rows of 1 element"), std::string::npos) << a.reason;
  EXPECT_NE(a.reason.find("kept"), std::string::npos) << a.reason;
  // [N, 4] at INT4 asym: 2 code bytes + 4 bytes of scale and zero for 8 source bytes: exactly
  // 0.75, which is at the threshold and passes; at INT8 (4 + 4 bytes) it is kept.
  EXPECT_TRUE(plan_of(*source_, plan, "b.lora_up.weight").quantized());
  EXPECT_TRUE(plan_of(*source_, plan, "d.lora_up.weight").quantized());
  opt.scheme.bits = 8;
  const aq::Plan int8 = aq::make_plan(*source_, opt);
  EXPECT_EQ(plan_of(*source_, int8, "b.lora_up.weight").decision, aq::Decision::KeepNoGain);
  // F32 sources have more to give: [N, 1] F32 at INT8 is 5 bytes for 4, still kept.
  EXPECT_EQ(plan_of(*source_, int8, "e.lora_up.weight").decision, aq::Decision::KeepNoGain);
  EXPECT_NE(plan_of(*source_, int8, "e.lora_up.weight").reason.find("F32 source's 8192 bytes"), std::string::npos);
}

TEST_F(LoraShapes, AUserRuleCannotMakeATensorLarger) {
  aq::PlanOptions opt;
  auto rule = aq::parse_user_rule("lora_up=8:channel");
  ASSERT_TRUE(rule.ok());
  opt.rules = {*rule};
  const aq::Plan plan = aq::make_plan(*source_, opt);
  expect_never_larger(*source_, plan, "user rule");
  const auto& a = plan_of(*source_, plan, "a.lora_up.weight");
  EXPECT_EQ(a.decision, aq::Decision::KeepNoGain);
  EXPECT_EQ(a.reason.rfind("user rule 'lora_up': INT8 channel", 0), 0u) << a.reason;
  EXPECT_NE(a.reason.find("not clearly smaller"), std::string::npos) << a.reason;
  // [N, 16] at INT8 per channel: 16 + 4 bytes for 32: 0.625, quantized as the user asked.
  const auto& d = plan_of(*source_, plan, "d.lora_up.weight");
  EXPECT_EQ(d.decision, aq::Decision::Quantize);
  EXPECT_EQ(d.scheme.bits, 8);
}

TEST_F(LoraShapes, WholeOutputThatWouldNotShrinkSaysSo) {
  aq::PlanOptions opt;
  opt.scheme = scheme(8, 32);
  opt.rules = {*aq::make_keep_rule("lora_down|d\\.|b\\.")};
  const aq::Plan plan = aq::make_plan(*source_, opt);
  EXPECT_EQ(plan.quantized_count, 0u);
  EXPECT_EQ(plan.output_bytes, plan.input_bytes);
  EXPECT_FALSE(plan.shrinks());
  const std::string w = plan.size_warning();
  EXPECT_NE(w.find("would not be smaller than the input"), std::string::npos) << w;
  EXPECT_NE(w.find("no tensor is quantized"), std::string::npos) << w;

  const aq::RunEstimate e = aq::estimate_run(*source_, plan, 1);
  EXPECT_FALSE(e.shrinks());
  EXPECT_EQ(e.input_bytes, plan.input_bytes);
  EXPECT_EQ(e.size_warning, w);

  const aq::Plan normal = aq::make_plan(*source_, {});
  EXPECT_TRUE(normal.shrinks());
  EXPECT_TRUE(normal.size_warning().empty());
  EXPECT_TRUE(aq::estimate_run(*source_, normal, 1).size_warning.empty());
}

TEST(PackingPaysOff, ThresholdIsInclusiveAndEmptyNeverPays) {
  EXPECT_TRUE(aq::packing_pays_off(75, 100));
  EXPECT_FALSE(aq::packing_pays_off(76, 100));
  EXPECT_FALSE(aq::packing_pays_off(0, 0));
  EXPECT_FALSE(aq::packing_pays_off(5, 2));
}

// A generator: random shapes, dtypes, schemes, thresholds and user rules; the invariant holds.
TEST(NeverLarger, RandomShapesDtypesAndSchemes) {
  std::mt19937_64 rng(20240917);
  auto pick = [&](const auto& v) { return v[std::size_t(rng() % v.size())]; };
  const std::vector<int64_t> dims{1, 2, 3, 4, 5, 7, 8, 16, 31, 64, 100, 257, 1024, 3000};
  const std::vector<std::string> dtypes{"F16", "BF16", "F32"};
  const std::vector<int> bits{2, 3, 4, 8}, groups{8, 16, 32, 64, 100, 128, 0};
  std::size_t quantized = 0, no_gain = 0;
  for (int model = 0; model < 40; ++model) {
    aqtest::TempDir dir;
    std::vector<FixtureTensor> tensors;
    const int n = 3 + int(rng() % 6);
    for (int i = 0; i < n; ++i) {
      std::vector<int64_t> shape;
      const int rank = int(rng() % 5);  // 0-D to 4-D
      int64_t numel = 1;
      for (int d = 0; d < rank; ++d) {
        int64_t x = pick(dims);
        while (numel * x > 200'000) x = 1;
        shape.push_back(x);
        numel *= x;
      }
      std::string name = "m";
      name += std::to_string(model) + ".t" + std::to_string(i) + ".weight";
      tensors.push_back(weight(name, shape, pick(dtypes), uint64_t(model * 100 + i)));
    }
    auto s = write_and_open(dir, "r.safetensors", tensors);
    ASSERT_TRUE(s);
    for (int trial = 0; trial < 6; ++trial) {
      aq::PlanOptions opt;
      opt.scheme = scheme(pick(bits), pick(groups), rng() % 2 == 0);
      opt.min_elements = rng() % 2 ? 1024 : 0;
      opt.keep_sensitive = rng() % 2;
      if (rng() % 3 == 0) {
        const int g = pick(groups);
        auto rule = aq::parse_user_rule("t[0-9]=" + std::to_string(pick(bits)) + ":" +
                                        (g ? std::to_string(g) : std::string("channel")));
        ASSERT_TRUE(rule.ok());
        opt.rules = {*rule};
      }
      const aq::Plan plan = aq::make_plan(*s, opt);
      expect_never_larger(*s, plan, "model " + std::to_string(model) + " " + opt.scheme.describe());
      for (const auto& p : plan.tensors) {
        quantized += p.quantized();
        no_gain += p.decision == aq::Decision::KeepNoGain;
      }
    }
  }
  // The generator reaches both sides of the rule.
  EXPECT_GT(quantized, 0u);
  EXPECT_GT(no_gain, 0u);
}

// End to end: a LoRA-shaped file quantized at INT4 comes out smaller than it went in, and no
// quantized tensor's data is larger than its source.
TEST(NeverLarger, LoraShapedFileShrinksWhenQuantized) {
  aqtest::TempDir dir;
  std::vector<FixtureTensor> tensors;
  for (int i = 0; i < 8; ++i) {
    const std::string p = "lora_unet_block_" + std::to_string(i);
    tensors.push_back(weight(p + ".alpha", {}, "F16", uint64_t(i)));
    tensors.push_back(weight(p + ".lora_down.weight", {4, 1280}, "F16", uint64_t(10 + i)));
    tensors.push_back(weight(p + ".lora_up.weight", {1280, 4}, "F16", uint64_t(20 + i)));
    tensors.push_back(weight(p + ".lora_mid.weight", {1280, 1}, "F16", uint64_t(30 + i)));
  }
  aqtest::write_safetensors(dir / "lora.safetensors", tensors);
  aq::JobConfig config;
  config.input = dir / "lora.safetensors";
  config.output = dir / "lora-int4.safetensors";
  config.threads = 1;
  aq::JobObserver quiet;
  const aq::JobResult r = aq::run_job(config, quiet, aq::CancelToken{});
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  EXPECT_LT(r.output_bytes, r.input_bytes);
  for (const auto& t : r.tensors) {
    EXPECT_LE(t.output_bytes, t.input_bytes) << t.name;
    // [1280, 1]: no gain, and that is the reason shown even for the last weight in file order.
    if (t.name.ends_with("lora_mid.weight")) {
      EXPECT_EQ(t.decision, aq::Decision::KeepNoGain) << t.name;
    }
  }
  EXPECT_LT(std::filesystem::file_size(config.output), std::filesystem::file_size(config.input));
}

// ------------------------------------------------------------------ input and output layers

TEST(EdgeLayers, UnknownConvModelKeepsItsInputAndOutputConvolutions) {
  aqtest::TempDir dir;
  // Names match no family and no built-in rule; written in name order, as the safetensors library
  // does, so file order is not the network's order.
  auto s = write_and_open(dir, "net.safetensors",
                          {weight("body.0.conv.weight", {64, 64, 3, 3}), weight("body.1.conv.weight", {64, 64, 3, 3}),
                           weight("body.1.conv.bias", {64}), weight("body.2.conv.weight", {64, 64, 3, 3}),
                           weight("head.weight", {3, 64, 3, 3}), weight("stem.weight", {64, 3, 3, 3})});
  ASSERT_TRUE(s);
  const aq::Plan plan = aq::make_plan(*s, {});
  EXPECT_EQ(plan.family, aq::ModelFamily::Unknown);
  const auto& stem = plan_of(*s, plan, "stem.weight");
  const auto& head = plan_of(*s, plan, "head.weight");
  EXPECT_EQ(stem.decision, aq::Decision::KeepSensitive);
  EXPECT_NE(stem.reason.find("input layer (a convolution from 3 channels) of a model of unknown family"),
            std::string::npos) << stem.reason;
  EXPECT_NE(stem.reason.find("runtimes keep the input and output layers"), std::string::npos) << stem.reason;
  EXPECT_EQ(head.decision, aq::Decision::KeepSensitive);
  EXPECT_NE(head.reason.find("output layer (a convolution to 3 channels)"), std::string::npos) << head.reason;
  // The first weight in file order is kept too (file order often is the network's).
  const auto& first = plan_of(*s, plan, "body.0.conv.weight");
  EXPECT_EQ(first.decision, aq::Decision::KeepSensitive);
  EXPECT_NE(first.reason.find("first layer (the first weight in file order)"), std::string::npos) << first.reason;
  EXPECT_TRUE(plan_of(*s, plan, "body.1.conv.weight").quantized());
  EXPECT_TRUE(plan_of(*s, plan, "body.2.conv.weight").quantized());

  aq::PlanOptions off;
  off.keep_sensitive = false;
  const aq::Plan bare = aq::make_plan(*s, off);
  EXPECT_TRUE(plan_of(*s, bare, "stem.weight").quantized());
  EXPECT_TRUE(plan_of(*s, bare, "head.weight").quantized());
  EXPECT_TRUE(plan_of(*s, bare, "body.0.conv.weight").quantized());

  // User rules win over the edge rule.
  aq::PlanOptions user;
  user.rules = {*aq::parse_user_rule("stem=8")};
  const auto& forced = plan_of(*s, aq::make_plan(*s, user), "stem.weight");
  EXPECT_EQ(forced.decision, aq::Decision::Quantize);
  EXPECT_EQ(forced.scheme.bits, 8);
}

TEST(EdgeLayers, UnknownLinearModelKeepsFirstAndLastInFileOrder) {
  aqtest::TempDir dir;
  auto s = write_and_open(dir, "mlp.safetensors",
                          {weight("net.0.weight", {256, 128}), weight("net.0.bias", {256}),
                           weight("net.1.weight", {256, 256}), weight("net.2.weight", {256, 256}),
                           weight("net.3.weight", {64, 256}), weight("tiny.weight", {8, 8})});
  ASSERT_TRUE(s);
  const aq::Plan plan = aq::make_plan(*s, {});
  EXPECT_EQ(plan_of(*s, plan, "net.0.weight").decision, aq::Decision::KeepSensitive);
  EXPECT_NE(plan_of(*s, plan, "net.0.weight").reason.find("first layer"), std::string::npos);
  // The last layer-sized weight: the [8, 8] after it is too small to be quantized anyway.
  EXPECT_EQ(plan_of(*s, plan, "net.3.weight").decision, aq::Decision::KeepSensitive);
  EXPECT_NE(plan_of(*s, plan, "net.3.weight").reason.find("last layer (the last weight in file order)"),
            std::string::npos);
  EXPECT_EQ(plan_of(*s, plan, "tiny.weight").decision, aq::Decision::KeepSmall);
  EXPECT_TRUE(plan_of(*s, plan, "net.1.weight").quantized());
  EXPECT_TRUE(plan_of(*s, plan, "net.2.weight").quantized());
}

TEST(EdgeLayers, ManyImageChannelConvsAreNotEdgesLoraOfRankFour) {
  aqtest::TempDir dir;
  std::vector<FixtureTensor> t;
  for (int i = 0; i < 6; ++i) t.push_back(weight("lora_unet_conv" + std::to_string(i) + ".lora_down.weight", {4, 64, 3, 3}));
  auto s = write_and_open(dir, "lora.safetensors", t);
  ASSERT_TRUE(s);
  const aq::Plan plan = aq::make_plan(*s, {});
  // Six [4, 64, 3, 3] "outputs to 4 channels" are a LoRA's down projections, not a network's end:
  // only the first and last in file order are kept.
  std::size_t kept = 0;
  for (const auto& p : plan.tensors) kept += !p.quantized();
  EXPECT_EQ(kept, 2u);
  EXPECT_NE(plan.tensors.front().reason.find("first layer"), std::string::npos);
  EXPECT_NE(plan.tensors.back().reason.find("last layer"), std::string::npos);
}

TEST(EdgeLayers, DiffusersVaeKeepsItsInputAndOutputConvolutionsByName) {
  aqtest::TempDir dir;
  auto s = write_and_open(dir, "vae.safetensors",
                          {weight("decoder.conv_in.weight", {64, 4, 3, 3}), weight("decoder.conv_out.weight", {3, 64, 3, 3}),
                           weight("decoder.up_blocks.0.resnets.0.conv1.weight", {64, 64, 3, 3}),
                           weight("encoder.conv_in.weight", {64, 3, 3, 3}), weight("encoder.conv_out.weight", {8, 64, 3, 3}),
                           weight("encoder.down_blocks.0.resnets.0.conv1.weight", {64, 64, 3, 3}),
                           weight("post_quant_conv.weight", {64, 64, 1, 1}), weight("quant_conv.weight", {64, 64, 1, 1})});
  ASSERT_TRUE(s);
  const aq::Plan plan = aq::make_plan(*s, {});
  EXPECT_EQ(plan.family, aq::ModelFamily::VAE);
  for (const char* name : {"decoder.conv_in.weight", "encoder.conv_in.weight"}) {
    EXPECT_EQ(plan_of(*s, plan, name).decision, aq::Decision::KeepSensitive) << name;
    EXPECT_NE(plan_of(*s, plan, name).reason.find("input convolution"), std::string::npos) << name;
  }
  for (const char* name : {"decoder.conv_out.weight", "encoder.conv_out.weight"}) {
    EXPECT_EQ(plan_of(*s, plan, name).decision, aq::Decision::KeepSensitive) << name;
    EXPECT_NE(plan_of(*s, plan, name).reason.find("output convolution"), std::string::npos) << name;
  }
  EXPECT_NE(plan_of(*s, plan, "post_quant_conv.weight").reason.find("latent-to-decoder"), std::string::npos);
  EXPECT_NE(plan_of(*s, plan, "quant_conv.weight").reason.find("encoder-to-latent"), std::string::npos);
  EXPECT_TRUE(plan_of(*s, plan, "decoder.up_blocks.0.resnets.0.conv1.weight").quantized());
  EXPECT_TRUE(plan_of(*s, plan, "encoder.down_blocks.0.resnets.0.conv1.weight").quantized());
}

TEST(EdgeLayers, VaeWithOtherNamesKeepsItsImageConvolutions) {
  aqtest::TempDir dir;
  // Wan-style video VAE names: 3-D convolutions, no conv_in / conv_out.
  auto s = write_and_open(dir, "wan_vae.safetensors",
                          {weight("decoder.head.2.weight", {3, 64, 3, 3, 3}),
                           weight("decoder.upsamples.0.residual.2.weight", {64, 64, 3, 3, 3}),
                           weight("encoder.conv1.weight", {64, 3, 3, 3, 3}),
                           weight("encoder.downsamples.0.residual.2.weight", {64, 64, 3, 3, 3})});
  ASSERT_TRUE(s);
  const aq::Plan plan = aq::make_plan(*s, {});
  EXPECT_EQ(plan.family, aq::ModelFamily::VAE);
  EXPECT_NE(plan_of(*s, plan, "encoder.conv1.weight").reason.find("input layer (a convolution from 3 channels) of a VAE"),
            std::string::npos) << plan_of(*s, plan, "encoder.conv1.weight").reason;
  EXPECT_NE(plan_of(*s, plan, "decoder.head.2.weight").reason.find("output layer (a convolution to 3 channels) of a VAE"),
            std::string::npos);
  // A VAE's names are known: no first / last in file order.
  EXPECT_TRUE(plan_of(*s, plan, "decoder.upsamples.0.residual.2.weight").quantized());
  EXPECT_TRUE(plan_of(*s, plan, "encoder.downsamples.0.residual.2.weight").quantized());
}

TEST(EdgeLayers, KnownFamiliesAreUnchanged) {
  aqtest::TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  auto s = aqtest::open_ok(dir / "m.safetensors");
  ASSERT_TRUE(s);
  const aq::Plan plan = aq::make_plan(*s, {});
  for (const auto& p : plan.tensors) EXPECT_EQ(p.reason.find("file order"), std::string::npos) << p.reason;
}

}  // namespace
