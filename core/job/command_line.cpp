#include "job/command_line.h"

#include <charconv>

#include "gguf/ggml_types.h"
#include "plan/rule_text.h"

namespace aq {
namespace {

// The shortest text that reads back as the same double.
std::string number(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace

std::vector<std::string> quantize_command(const JobConfig& c) {
  const JobConfig defaults;
  std::vector<std::string> a = {"arrowquant-cli", "quantize", c.input.string()};
  if (c.output.empty()) a.push_back("--dry-run");
  else a.insert(a.end(), {"-o", c.output.string()});

  const QuantScheme& s = c.plan.scheme;
  if (s.is_ggml()) {
    a.insert(a.end(), {"--type", std::string(gguf::find_type(gguf::GgmlType(s.ggml_type))->name)});
  } else {
    a.insert(a.end(), {"--bits", std::to_string(s.bits), "--group-size",
                       s.group_size ? std::to_string(s.group_size) : std::string("channel")});
    if (s.symmetric) a.push_back("--symmetric");
    a.insert(a.end(), {"--method", std::string(method_name(s.method))});
  }
  if (!c.plan.gguf_architecture.empty()) a.insert(a.end(), {"--arch", c.plan.gguf_architecture});
  if (c.mode != defaults.mode) a.insert(a.end(), {"--mode", std::string(mode_name(c.mode))});
  if (c.threads != defaults.threads) a.insert(a.end(), {"--threads", std::to_string(c.threads)});
  if (c.block_bytes != defaults.block_bytes) a.insert(a.end(), {"--block-mb", std::to_string(c.block_bytes >> 20)});
  if (c.plan.min_elements != defaults.plan.min_elements)
    a.insert(a.end(), {"--min-elements", std::to_string(c.plan.min_elements)});
  if (!c.plan.keep_sensitive) a.push_back("--no-default-keep");
  if (c.open.allow_sparse) a.push_back("--allow-sparse");

  const CalibrationOptions& cal = c.calibration;
  if (cal.enabled()) {
    a.insert(a.end(), {"--calibration", cal.file.string()});
    if (cal.gptq.damping != defaults.calibration.gptq.damping) a.insert(a.end(), {"--damping", number(cal.gptq.damping)});
    if (cal.gptq.act_order) a.push_back("--act-order");
    if (!cal.gptq.compensate) a.push_back("--no-compensation");
    if (!cal.timestep_weights.empty()) {
      std::string w;
      for (double x : cal.timestep_weights) w += (w.empty() ? "" : ",") + number(x);
      a.insert(a.end(), {"--timestep-weights", w});
    }
  }
  if (c.budget.target_bpw > 0) a.insert(a.end(), {"--target-bpw", number(c.budget.target_bpw)});
  if (c.budget.target_bytes > 0) a.insert(a.end(), {"--target-size", std::to_string(c.budget.target_bytes) + "B"});

  const auto rules = user_rule_arguments(c.plan.rules);
  a.insert(a.end(), rules.begin(), rules.end());
  return a;
}

}  // namespace aq
