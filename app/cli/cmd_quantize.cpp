#include <cmath>
#include <cstdio>
#include <sstream>
#include <iostream>
#include <optional>

#include "cli_support.h"
#include "io/model_source.h"
#include "io/packed_writer.h"
#include "job/calibration_checks.h"
#include "job/session.h"
#include "progress_line.h"
#include "quantize_options.h"
#include "report/run_report.h"
#include "util/display_text.h"

namespace aqcli {
namespace {

const char* const kQuantizeHelp =
    "usage: arrowquant-cli quantize MODEL -o OUT.safetensors|OUT.h5 [options]\n\n"
    "Quantizes every eligible tensor of MODEL and writes a packed file (docs/FORMAT.md) or a GGUF\n"
    "file for ggml runtimes, printing a\n"
    "per-tensor table of cosine similarity, SQNR, relative error and bits per weight. The output is\n"
    "written to a temporary file and renamed at the end: on error or Ctrl+C nothing is left behind.\n\n"
    "options:\n"
    "  -o, --output FILE         .safetensors (packed), .h5/.hdf5 (one group per tensor) or .gguf\n"
    "  --dry-run                 quantize and measure, write nothing (no -o needed)\n"
    "  --json                    print the run as JSON on stdout instead of the table\n"
    "  --report FILE             also write the run as JSON to FILE\n"
    "  --csv FILE                also write the per-tensor table as CSV to FILE\n"
    "  --verbose                 print each tensor's plan decision and its reason\n"
    "  --no-progress             no progress line (it is shown only on a terminal anyway)\n";

const char* const kPlanHelp =
    "usage: arrowquant-cli plan MODEL [options] [--json] [--no-estimate]\n\n"
    "Shows, before any run, what quantize would do: each tensor's decision and the reason, the exact\n"
    "output size and bits per weight, and a time and accuracy estimate measured by quantizing a sample\n"
    "of the model's rows (about 16 MB) with the chosen settings.\n\noptions:\n";

}  // namespace

int cmd_quantize(int argc, char** argv) {
  Args args(argc, argv, 2);
  if (args.flag("--help", "-h")) {
    std::fputs(kQuantizeHelp, stdout);
    std::fputs(kQuantizeOptionsHelp, stdout);
    return kOk;
  }
  aq::JobConfig config;
  if (auto err = parse_quantize_options(args, config)) return usage_error(*err, "quantize");
  const auto output = args.value("--output", "-o");
  const bool dry_run = args.flag("--dry-run"), json = args.flag("--json"), verbose = args.flag("--verbose");
  const bool no_progress = args.flag("--no-progress");
  const auto report = args.value("--report"), csv = args.value("--csv");
  const auto pos = args.positionals();
  if (!args.ok()) return usage_error(args.error(), "quantize");
  if (pos.size() != 1) return usage_error("expected one MODEL", "quantize");
  if (!output && !dry_run) return usage_error("missing -o OUT (or --dry-run)", "quantize");
  if (output && output->empty()) return usage_error("the output path is empty", "quantize");
  if (output)
    if (auto err = settle_output_type(*output, config, config.plan.scheme.is_ggml())) return usage_error(*err, "quantize");

  if (dry_run && output) return usage_error("--dry-run writes nothing: drop -o, or drop --dry-run", "quantize");
  config.input = pos[0];
  if (output) config.output = *output;
  if (report) config.side_outputs.push_back({*report, "--report"});
  if (csv) config.side_outputs.push_back({*csv, "--csv"});

  ProgressLine progress(!no_progress && stderr_is_terminal(), verbose);
  const aq::JobResult result = aq::run_job(config, progress, interrupt_token());
  progress.finish();

  // A run refused before any work (an output that is an input, ...) writes no report either.
  const bool refused = result.status == aq::JobStatus::Failed && result.error.kind == aq::ErrorKind::BadArgument;
  bool side_files_ok = true;
  if (report && !refused) side_files_ok &= write_text_file(*report, json_text(aq::run_to_json(result)) + "\n");
  if (csv && !refused) {
    std::ostringstream text;
    aq::write_tensor_csv(result, text);
    side_files_ok &= write_text_file(*csv, text.str());
  }
  if (json) {
    std::cout << json_text(aq::run_to_json(result)) << "\n";
  } else if (result.status == aq::JobStatus::Succeeded) {
    std::cout << aq::format_tensor_table(result) << "\n" << aq::format_totals(result);
    if (!config.output.empty()) std::cout << "output       " << config.output.string() << "\n";
  }
  if (result.status != aq::JobStatus::Succeeded) return report_error(result.error);
  return side_files_ok ? kOk : kIoError;
}

int cmd_plan(int argc, char** argv) {
  Args args(argc, argv, 2);
  if (args.flag("--help", "-h")) {
    std::fputs(kPlanHelp, stdout);
    std::fputs(kQuantizeOptionsHelp, stdout);
    return kOk;
  }
  aq::JobConfig config;
  if (auto err = parse_quantize_options(args, config)) return usage_error(*err, "plan");
  const bool json = args.flag("--json"), no_estimate = args.flag("--no-estimate");
  const auto pos = args.positionals();
  if (!args.ok()) return usage_error(args.error(), "plan");
  if (pos.size() != 1) return usage_error("expected one MODEL", "plan");
  // open -> plan -> estimate on one session: the checks, calibration and budget quantize applies.
  auto session = aq::Session::open(pos[0], config.open);
  if (!session) return report_error(session.error());
  const aq::ModelSource& source = session->source();
  auto planned = session->plan(config.plan, config.calibration, config.budget);
  if (!planned) return report_error(planned.error());
  for (const auto& w : planned->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  for (const auto& n : planned->notes) std::fprintf(stderr, "note: %s\n", n.c_str());
  const aq::Plan& plan = planned->plan;
  const aq::CalibrationFile* calibration = planned->calibration.get();
  aq::RunEstimate estimate;
  if (!no_estimate) estimate = session->estimate(plan, config.threads);
  else estimate.output_bytes = plan.output_bytes, estimate.bits_per_weight = plan.bits_per_weight();
  const std::string size_warning = plan.size_warning();  // empty when the output shrinks
  std::optional<uint64_t> gguf_bytes;  // a GGUF output's whole file, exactly
  if (config.plan.scheme.is_ggml()) {
    auto bytes = aq::gguf_file_bytes(source, plan);
    if (!bytes) return report_error(bytes.error());
    gguf_bytes = *bytes;
  }
  auto calibration_of = [&](const aq::TensorPlan& p) {
    return calibration ? aq::calibration_status(*calibration, source, p) : std::string();
  };

  const auto& tensors = source.tensors();
  if (json) {
    nlohmann::json j;
    j["family"] = std::string(aq::family_name(plan.family));
    j["input_bytes"] = plan.input_bytes;
    j["output_bytes"] = plan.output_bytes;
    j["bits_per_weight"] = plan.bits_per_weight();
    j["quantized_tensors"] = plan.quantized_count;
    j["shrinks"] = plan.shrinks();
    if (gguf_bytes) j["gguf_file_bytes"] = *gguf_bytes;
    j["warnings"] = nlohmann::json::array();
    if (!size_warning.empty()) j["warnings"].push_back(size_warning);
    j["estimate"] = {{"sample_bytes", estimate.sample_bytes}, {"sample_mb_per_s", estimate.sample_mb_per_s},
                     {"seconds", estimate.seconds}};
    if (!estimate.quality.empty()) j["estimate"]["sqnr_db"] = aq::json_number(aq::metrics_from(estimate.quality_total).sqnr_db);
    std::vector<double> predicted(tensors.size(), std::nan(""));
    for (const auto& q : estimate.quality) predicted[q.index] = aq::metrics_from(q.sums).sqnr_db;
    for (const auto& p : plan.tensors) {
      nlohmann::json t = {{"name", tensors[p.index].name}, {"decision", std::string(aq::decision_name(p.decision))},
                          {"reason", p.reason}, {"input_bytes", p.input_bytes}, {"output_bytes", p.output_bytes},
                          {"scheme", p.quantized() ? p.scheme.describe() : std::string()},
                          {"calibration", calibration_of(p)}};
      if (!std::isnan(predicted[p.index])) t["predicted_sqnr_db"] = aq::json_number(predicted[p.index]);
      j["tensors"].push_back(std::move(t));
    }
    if (plan.budget) j["budget"] = aq::budget_to_json(*plan.budget);
    std::cout << json_text(j) << "\n";
    return kOk;
  }
  for (const auto& p : plan.tensors) {
    const std::string cal = calibration_of(p);
    std::printf("%-56s %-15s %s%s\n", aq::display_text(tensors[p.index].name, 56).c_str(),
                std::string(aq::decision_name(p.decision)).c_str(), aq::escape_text(p.reason).c_str(),
                cal.empty() ? "" : ("; calibration: " + cal).c_str());
  }
  std::printf("\nfamily       %s\n", std::string(aq::family_name(plan.family)).c_str());
  std::printf("tensors      %zu (%zu quantized)\n", plan.tensors.size(), plan.quantized_count);
  std::printf("size         %s -> %s of tensor data (%.3f bits/weight; %.3f over quantized tensors)\n",
              aq::format_mb(plan.input_bytes).c_str(), aq::format_mb(plan.output_bytes).c_str(),
              plan.bits_per_weight(), plan.quantized_bits_per_weight());
  if (gguf_bytes)
    std::printf("GGUF file    %s exactly (%llu bytes: header, tensors and their 32-byte alignment)\n",
                aq::format_mb(*gguf_bytes).c_str(), static_cast<unsigned long long>(*gguf_bytes));
  if (!no_estimate && estimate.sample_bytes)
    std::printf("time         about %.1f s at %.1f MB/s, measured on a %s sample with %d threads\n", estimate.seconds,
                estimate.sample_mb_per_s, aq::format_mb(estimate.sample_bytes).c_str(),
                aq::resolve_threads(config.threads));
  if (const auto* worst = estimate.worst_quality()) {
    std::printf("accuracy     about %.2f dB SQNR over the quantized tensors, worst %.2f dB (%s), on the same sample%s\n",
                aq::metrics_from(estimate.quality_total).sqnr_db, aq::metrics_from(worst->sums).sqnr_db,
                aq::display_text(worst->name, 56).c_str(),
                config.calibration.enabled() ? " (plain rounding; the calibrated run compensates on top)" : "");
  }
  if (!size_warning.empty()) std::printf("warning: %s\n", size_warning.c_str());
  return kOk;
}

}  // namespace aqcli
