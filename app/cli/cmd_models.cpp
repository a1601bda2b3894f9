// Commands that make models (the demo, the benchmark shapes) and print the built-in rules.
#include <cstdio>

#include "cli_support.h"
#include "demo/synthetic_calibration.h"
#include "demo/synthetic_model.h"
#include "io/model_source.h"
#include "plan/keep_rules.h"

namespace aqcli {

static const char* const kMakeHelp =
    "usage: arrowquant-cli make-model PRESET -o OUT.safetensors [--seed N]\n\n"
    "Writes a deterministic synthetic fp16 model with real tensor names and shapes and trained-like\n"
    "weight statistics (heavy tails, outlier input channels, per-row scale spread). Presets:\n"
    "  demo      DiT-S/2, about 33M parameters (the built-in demo model)\n"
    "  dit-b2    DiT-B/2, about 130M\n"
    "  dit-xl2   DiT-XL/2, about 675M\n"
    "  dream-7b  Dream-7B / Qwen2.5-7B-shaped diffusion LLM, about 7.6B (needs about 15 GB of disk)\n";

int cmd_make_model(int argc, char** argv) {
  Args args(argc, argv, 2);
  if (args.flag("--help", "-h")) return std::fputs(kMakeHelp, stdout), kOk;
  const auto output = args.value("--output", "-o");
  const auto seed_text = args.value("--seed");
  const auto pos = args.positionals();
  if (!args.ok()) return usage_error(args.error(), "make-model");
  if (pos.size() != 1 || !output) return usage_error("expected PRESET and -o OUT", "make-model");
  const auto preset = aq::preset_from_name(pos[0]);
  if (!preset) return usage_error("unknown preset '" + pos[0] + "'", "make-model");
  const auto seed = seed_text ? parse_count(*seed_text) : std::optional<long long>(1);
  if (!seed) return usage_error("--seed must be a number", "make-model");
  const bool tty = stderr_is_terminal();
  auto status = aq::write_synthetic_model(*preset, *output, uint64_t(*seed), [&](double f) {
    if (tty) std::fprintf(stderr, "\r[%3.0f%%] writing %s", 100 * f, output->c_str());
  });
  if (tty) std::fprintf(stderr, "\r\033[K");
  if (!status) return report_error(status.error());
  std::printf("%s: %s, %lld parameters\n", output->c_str(), std::string(aq::preset_name(*preset)).c_str(),
              (long long)aq::preset_params(*preset));
  return kOk;
}

int cmd_make_calibration(int argc, char** argv) {
  Args args(argc, argv, 2);
  if (args.flag("--help", "-h"))
    return std::fputs(
               "usage: arrowquant-cli make-calibration MODEL -o OUT.h5 [--buckets N] [--seed N] [--diag-above K]\n\n"
               "Writes a deterministic synthetic calibration file (docs/CALIBRATION.md) for MODEL: for every\n"
               "float tensor of rank 2 or more, per bucket, H = X^T X of synthetic activations (correlated\n"
               "channels, a few loud ones). For trying and benchmarking --calibration without a recorder;\n"
               "real calibration comes from scripts/calibrate.py. Layers wider than --diag-above (default\n"
               "8192) get the diagonal only.\n",
               stdout),
           kOk;
  const auto output = args.value("--output", "-o");
  aq::SyntheticCalibrationOptions options;
  if (auto v = args.value("--buckets")) {
    auto n = parse_count(*v);
    if (!n || *n < 1 || *n > 1000) return usage_error("--buckets must be from 1 to 1000", "make-calibration");
    options.buckets = int(*n);
  }
  if (auto v = args.value("--seed")) {
    auto n = parse_count(*v);
    if (!n) return usage_error("--seed must be a number", "make-calibration");
    options.seed = uint64_t(*n);
  }
  if (auto v = args.value("--diag-above")) {
    auto n = parse_count(*v);
    if (!n || *n < 1) return usage_error("--diag-above must be a positive number", "make-calibration");
    options.diag_above = *n;
  }
  const auto pos = args.positionals();
  if (!args.ok()) return usage_error(args.error(), "make-calibration");
  if (pos.size() != 1 || !output) return usage_error("expected MODEL and -o OUT.h5", "make-calibration");
  auto source = aq::open_model(pos[0], {});
  if (!source) return report_error(source.error());
  const bool tty = stderr_is_terminal();
  auto status = aq::write_synthetic_calibration(**source, *output, options, [&](double f) {
    if (tty) std::fprintf(stderr, "\r[%3.0f%%] writing %s", 100 * f, output->c_str());
  });
  if (tty) std::fprintf(stderr, "\r\033[K");
  if (!status) return report_error(status.error());
  std::printf("%s: synthetic calibration, %d bucket(s)\n", output->c_str(), options.buckets);
  return kOk;
}

int cmd_demo(int argc, char** argv) {
  Args args(argc, argv, 2);
  if (args.flag("--help", "-h"))
    return std::fputs("usage: arrowquant-cli demo\n\nCreates the built-in demo model (DiT-S/2 shaped, fp16) in the\n"
                      "user's cache folder if it is not there yet, and prints its path.\n",
                      stdout),
           kOk;
  args.positionals();
  if (!args.ok()) return usage_error(args.error(), "demo");
  auto path = aq::ensure_demo_model();
  if (!path) return report_error(path.error());
  std::printf("%s\n", path->c_str());
  return kOk;
}

int cmd_rules(int argc, char** argv) {
  Args args(argc, argv, 2);
  if (args.flag("--help", "-h"))
    return std::fputs("usage: arrowquant-cli rules\n\nPrints the built-in keep rules as a Markdown table.\n", stdout), kOk;
  std::printf("| family | match | pattern | what it is | also kept by |\n|---|---|---|---|---|\n");
  for (const auto& r : aq::builtin_keep_rules())
    std::printf("| %s | %s | `%s` | %s | %s |\n",
                r.family == aq::ModelFamily::Unknown ? "all" : std::string(aq::family_name(r.family)).c_str(),
                r.match == aq::MatchKind::Suffix ? "ends with" : "contains", std::string(r.pattern).c_str(),
                std::string(r.why).c_str(), std::string(r.source).c_str());
  return kOk;
}

}  // namespace aqcli
