// quantize_command() (core/job/command_line.h): the command a GUI run copies is the run. Parsed
// back with arrowquant-cli's own option parser, every field of the JobConfig comes back, for
// random configurations; and the command, run in a shell, writes the same bytes as the job.
#include <gtest/gtest.h>

#include <random>

#include "args.h"
#include "cli_process.h"
#include "gguf/ggml_types.h"
#include "job/command_line.h"
#include "model_fixtures.h"
#include "test_support.h"
#include "plan/rule_text.h"
#include "quantize_options.h"
#include "util/shell_quote.h"

namespace {

// What arrowquant-cli makes of the words after "quantize": the input, the output and the config.
struct Parsed {
  aq::JobConfig config;
  std::string input, output, error;
};

Parsed parse(const std::vector<std::string>& words) {
  std::vector<std::string> storage(words);
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  aqcli::Args args(int(argv.size()), argv.data(), 2);  // after "arrowquant-cli quantize"
  Parsed p;
  if (auto e = aqcli::parse_quantize_options(args, p.config)) p.error = *e;
  if (auto o = args.value("--output", "-o")) p.output = *o;
  args.flag("--dry-run");
  const auto left = args.positionals();
  if (!args.ok()) p.error += " " + args.error();
  if (left.size() == 1) p.input = left[0];
  else p.error += " positionals: " + std::to_string(left.size());
  return p;
}

aq::JobConfig random_config(std::mt19937& rng) {
  auto pick = [&](int n) { return int(rng() % unsigned(n)); };
  aq::JobConfig c;
  c.input = pick(2) ? "/models/a model's.safetensors" : "/m/dit.safetensors";
  if (pick(3)) c.output = pick(2) ? "/out/x y.gguf" : "/out/q.safetensors";
  if (pick(3) == 0) {
    const char* types[] = {"q8_0", "q4_k", "q2_k", "q6_k", "f16"};
    c.plan.scheme.ggml_type = int(aq::gguf::find_type(types[pick(5)])->type);
    if (pick(2)) c.plan.gguf_architecture = pick(2) ? "flux" : "none";
  } else {
    const int bits[] = {2, 3, 4, 8};
    c.plan.scheme.bits = bits[pick(4)];
    const int groups[] = {0, 32, 64, 128, 200};
    c.plan.scheme.group_size = groups[pick(5)];
    c.plan.scheme.symmetric = pick(2);
    c.plan.scheme.method = pick(2) ? aq::Method::Search : aq::Method::MinMax;
  }
  if (pick(2)) c.mode = aq::Mode::Batch;
  if (pick(2)) c.threads = 1 + pick(8);
  if (pick(4) == 0) c.block_bytes = uint64_t(1 + pick(64)) << 20;
  if (pick(4) == 0) c.plan.min_elements = pick(5000);
  if (pick(4) == 0) c.plan.keep_sensitive = false;
  if (pick(4) == 0) c.open.allow_sparse = true;
  if (pick(2)) {
    c.calibration.file = "/cal/run 1.h5";
    if (pick(2)) c.calibration.gptq.damping = 0.001 * (1 + pick(100)) / 3.0;
    c.calibration.gptq.act_order = pick(2);
    c.calibration.gptq.compensate = pick(3) != 0;
    if (pick(2)) c.calibration.timestep_weights = {1.0, 0.5, 2.0 / 3.0, 3.0};
  }
  if (pick(3) == 0) c.budget.target_bpw = 2.5 + pick(50) / 7.0;
  else if (pick(3) == 0) c.budget.target_bytes = uint64_t(1 + pick(1 << 20)) * 4096;
  const char* rules[] = {"attn\\.qkv=8", "^blocks\\.0\\..*=keep", "mlp fc=4:channel", "-x=3:32", "a'b\"c=q6_k"};
  for (int i = 0, n = pick(4); i < n; ++i) {
    auto r = aq::parse_user_rule(rules[pick(5)]);
    if (r) c.plan.rules.push_back(*r);
  }
  return c;
}

void expect_same(const aq::JobConfig& a, const aq::JobConfig& b) {
  EXPECT_EQ(a.plan.scheme.bits, b.plan.scheme.bits);
  EXPECT_EQ(a.plan.scheme.group_size, b.plan.scheme.group_size);
  EXPECT_EQ(a.plan.scheme.symmetric, b.plan.scheme.symmetric);
  EXPECT_EQ(a.plan.scheme.method, b.plan.scheme.method);
  EXPECT_EQ(a.plan.scheme.ggml_type, b.plan.scheme.ggml_type);
  EXPECT_EQ(a.plan.gguf_architecture, b.plan.gguf_architecture);
  EXPECT_EQ(a.plan.min_elements, b.plan.min_elements);
  EXPECT_EQ(a.plan.keep_sensitive, b.plan.keep_sensitive);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.threads, b.threads);
  EXPECT_EQ(a.block_bytes, b.block_bytes);
  EXPECT_EQ(a.open.allow_sparse, b.open.allow_sparse);
  EXPECT_EQ(a.calibration.file, b.calibration.file);
  EXPECT_EQ(a.calibration.gptq.damping, b.calibration.gptq.damping);
  EXPECT_EQ(a.calibration.gptq.act_order, b.calibration.gptq.act_order);
  EXPECT_EQ(a.calibration.gptq.compensate, b.calibration.gptq.compensate);
  EXPECT_EQ(a.calibration.timestep_weights, b.calibration.timestep_weights);
  EXPECT_EQ(a.budget.target_bpw, b.budget.target_bpw);
  EXPECT_EQ(a.budget.target_bytes, b.budget.target_bytes);
  ASSERT_EQ(a.plan.rules.size(), b.plan.rules.size());
  for (std::size_t i = 0; i < a.plan.rules.size(); ++i)
    EXPECT_EQ(aq::user_rule_spec(a.plan.rules[i]), aq::user_rule_spec(b.plan.rules[i]));
}

TEST(CommandLine, ParsesBackToTheSameJobForRandomConfigurations) {
  std::mt19937 rng(20261130);
  for (int i = 0; i < 500; ++i) {
    const aq::JobConfig c = random_config(rng);
    const auto words = aq::quantize_command(c);
    SCOPED_TRACE(aq::shell_join(words));
    ASSERT_GE(words.size(), 3u);
    EXPECT_EQ(words[0], "arrowquant-cli");
    EXPECT_EQ(words[1], "quantize");
    const Parsed p = parse(words);
    ASSERT_EQ(p.error, "");
    EXPECT_EQ(p.input, c.input.string());
    EXPECT_EQ(p.output, c.output.string());
    expect_same(c, p.config);
  }
}

TEST(CommandLine, TheCopiedCommandWritesWhatTheJobWrote) {
  aqtest::TempDir dir;
  const auto model = dir / "m.safetensors";
  aqtest::write_safetensors(model, {{"blocks.0.mlp.fc1.weight", "F32", {64, 256},
                                     aqtest::f32_bytes(aqtest::gaussian(64 * 256, 3))}},
                            {});
  aq::JobConfig c;
  c.input = model;
  c.output = dir / "job.safetensors";
  c.plan.scheme.bits = 3;
  c.plan.scheme.group_size = 32;
  c.plan.scheme.symmetric = true;
  c.plan.min_elements = 16;
  ASSERT_EQ(aqtest::run_quietly(c).status, aq::JobStatus::Succeeded);

  c.output = dir / "cli.safetensors";
  auto words = aq::quantize_command(c);
  words[0] = AQ_CLI_PATH;
  const auto r = clitest::sh(aq::shell_join(words));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(aqtest::read_file(dir / "job.safetensors"), aqtest::read_file(dir / "cli.safetensors"));
}

}  // namespace
