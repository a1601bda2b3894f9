#include "plan/plan.h"

#include <map>
#include <string>

#include "io/model_source.h"
#include "plan/keep_rules.h"
#include "tensor/tensor_info.h"

namespace aq {

std::string_view decision_name(Decision d) {
  switch (d) {
    case Decision::Quantize: return "quantize";
    case Decision::KeepNotFloat: return "keep:not-float";
    case Decision::KeepOneDim: return "keep:1-d";
    case Decision::KeepSmall: return "keep:small";
    case Decision::KeepSensitive: return "keep:sensitive";
    case Decision::KeepUser: return "keep:user";
  }
  return "?";
}

Result<UserRule> make_keep_rule(const std::string& pattern) {
  UserRule r;
  r.pattern = pattern;
  r.keep = true;
  try {
    r.regex = std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    return make_error(ErrorKind::BadInput, "", "", "invalid regular expression '" + pattern + "': " + e.what());
  }
  return r;
}

Result<UserRule> parse_user_rule(const std::string& spec) {
  const auto eq = spec.rfind('=');
  if (eq == std::string::npos || eq == 0)
    return make_error(ErrorKind::BadInput, "", "", "rule '" + spec + "' is not REGEX=BITS[:GROUP]");
  auto rule = make_keep_rule(spec.substr(0, eq));
  if (!rule) return rule.error();
  rule->keep = false;
  const std::string value = spec.substr(eq + 1);
  const auto colon = value.find(':');
  const std::string bits = value.substr(0, colon);
  if (bits == "keep") {
    rule->keep = true;
    return rule;
  }
  if (bits != "2" && bits != "3" && bits != "4" && bits != "8")
    return make_error(ErrorKind::BadInput, "", "", "rule '" + spec + "': bits must be 2, 3, 4, 8 or keep");
  rule->bits = std::stoi(bits);
  if (colon != std::string::npos) {
    const std::string group = value.substr(colon + 1);
    if (group == "channel") {
      rule->group_size = 0;
    } else {
      char* end = nullptr;
      const long g = std::strtol(group.c_str(), &end, 10);
      if (group.empty() || *end != '\0' || g < 8 || g > (1 << 24))
        return make_error(ErrorKind::BadInput, "", "",
                          "rule '" + spec + "': group size must be a number >= 8 or 'channel'");
      rule->group_size = int(g);
    }
  }
  return rule;
}

double Plan::bits_per_weight() const {
  const int64_t params = quantized_params + kept_params;
  return params ? 8.0 * double(output_bytes) / double(params) : 0.0;
}

double Plan::quantized_bits_per_weight() const {
  uint64_t bytes = 0;
  for (const auto& t : tensors)
    if (t.quantized()) bytes += t.output_bytes;
  return quantized_params ? 8.0 * double(bytes) / double(quantized_params) : 0.0;
}

namespace {

// The family each tensor's rules come from: a diffusers component's own, else the whole model's.
std::vector<ModelFamily> tensor_families(const ModelSource& source, ModelFamily& overall) {
  const auto& tensors = source.tensors();
  std::map<std::string, std::vector<std::string>> names_by_component;
  for (const auto& t : tensors) names_by_component[t.component].push_back(t.name);
  std::map<std::string, ModelFamily> family_of;
  for (const auto& [component, names] : names_by_component) {
    ModelFamily f = component.empty() ? ModelFamily::Unknown : family_from_component(component);
    if (f == ModelFamily::Unknown) f = guess_family(names);
    family_of[component] = f;
  }
  overall = ModelFamily::Unknown;
  for (const char* preferred : {"", "unet", "transformer"})
    if (auto it = family_of.find(preferred); it != family_of.end() && overall == ModelFamily::Unknown)
      overall = it->second;
  if (overall == ModelFamily::Unknown && !family_of.empty()) overall = family_of.begin()->second;
  std::vector<ModelFamily> out;
  out.reserve(tensors.size());
  for (const auto& t : tensors) out.push_back(family_of[t.component]);
  return out;
}

void decide(const TensorInfo& t, ModelFamily family, const PlanOptions& opt, TensorPlan& p) {
  p.scheme = opt.scheme;
  if (!is_quantizable(t.dtype)) {
    p.decision = Decision::KeepNotFloat;
    p.reason = std::string(dtype_name(t.dtype)) + " is not a float type: carried over unchanged";
    return;
  }
  for (const auto& rule : opt.rules) {
    if (!std::regex_search(t.name, rule.regex)) continue;
    if (rule.keep) {
      p.decision = Decision::KeepUser;
      p.reason = "user rule: keep '" + rule.pattern + "'";
    } else {
      if (rule.bits) p.scheme.bits = rule.bits;
      if (rule.group_size >= 0) p.scheme.group_size = rule.group_size;
      p.decision = Decision::Quantize;
      p.reason = "user rule '" + rule.pattern + "': " + p.scheme.describe();
    }
    return;
  }
  if (t.shape.size() <= 1) {
    p.decision = Decision::KeepOneDim;
    p.reason = std::to_string(t.shape.size()) + "-D tensor (norm, bias or buffer): kept as " +
               std::string(dtype_name(t.dtype));
    return;
  }
  if (t.numel() <= opt.min_elements) {
    p.decision = Decision::KeepSmall;
    p.reason = std::to_string(t.numel()) + " elements (at most " + std::to_string(opt.min_elements) +
               "): scales would cost more than they save";
    return;
  }
  if (opt.keep_sensitive) {
    if (const KeepRule* r = match_keep_rule(t.name, family)) {
      p.decision = Decision::KeepSensitive;
      p.reason = std::string(r->why) + ": name " +
                 (r->match == MatchKind::Suffix ? "ends with '" : "contains '") + std::string(r->pattern) +
                 "' (kept by " + std::string(r->source) + ")";
      return;
    }
  }
  p.decision = Decision::Quantize;
  p.reason = "default: " + p.scheme.describe();
}

}  // namespace

Plan make_plan(const ModelSource& source, const PlanOptions& options) {
  Plan plan;
  const auto families = tensor_families(source, plan.family);
  const auto& tensors = source.tensors();
  plan.tensors.resize(tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const TensorInfo& t = tensors[i];
    TensorPlan& p = plan.tensors[i];
    p.index = i;
    decide(t, families[i], options, p);
    p.input_bytes = t.nbytes;
    if (p.quantized()) {
      p.layout = packed_layout(t.rows(), t.cols(), p.scheme);
      p.output_bytes = p.layout.total_bytes();
      plan.quantized_params += t.numel();
      ++plan.quantized_count;
    } else {
      p.output_bytes = t.nbytes;
      plan.kept_params += t.numel();
    }
    plan.input_bytes += p.input_bytes;
    plan.output_bytes += p.output_bytes;
  }
  return plan;
}

}  // namespace aq
