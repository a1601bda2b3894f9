#include "plan/plan.h"

#include <cstdio>
#include <map>
#include <string>

#include "io/model_source.h"
#include "gguf/gguf_names.h"
#include "gguf/type_choice.h"
#include "plan/keep_rules.h"
#include "quant/scheme_traits.h"
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
    case Decision::KeepNoGain: return "keep:no-gain";
    case Decision::KeepNoBlock: return "keep:no-block";
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
  if (const auto* type = gguf::find_type(bits); type && type->quantize) {
    rule->ggml_type = int(type->type);
    if (colon != std::string::npos)
      return make_error(ErrorKind::BadInput, "", "", "rule '" + spec + "': a ggml type fixes its own block size");
    return rule;
  }
  const auto parsed = parse_bits(bits);
  if (!parsed)
    return make_error(ErrorKind::BadInput, "", "", "rule '" + spec + "': bits must be " + supported_bits_text() + " or keep");
  rule->bits = *parsed;
  if (colon != std::string::npos) {
    const std::string group = value.substr(colon + 1);
    if (group == "channel") {
      rule->group_size = 0;
    } else {
      char* end = nullptr;
      const long g = std::strtol(group.c_str(), &end, 10);
      if (group.empty() || *end != '\0' || g < kMinGroupSize || g > kMaxGroupSize)
        return make_error(ErrorKind::BadInput, "", "",
                          "rule '" + spec + "': group size must be a number from " + std::to_string(kMinGroupSize) +
                              " to " + std::to_string(kMaxGroupSize) + ", or 'channel'");
      rule->group_size = int(g);
    }
  }
  return rule;
}

bool packing_pays_off(uint64_t packed_bytes, uint64_t source_bytes) {
  return packed_bytes < source_bytes && double(packed_bytes) <= kMaxPackedToSourceRatio * double(source_bytes);
}

std::string Plan::size_warning() const {
  if (shrinks()) return {};
  char buf[160];
  std::snprintf(buf, sizeof buf, "the output (%.2f MB) would not be smaller than the input (%.2f MB)",
                double(output_bytes) / 1e6, double(input_bytes) / 1e6);
  std::string text = buf;
  if (quantized_count == 0) text += ": no tensor is quantized with these settings";
  return text;
}

QuantScheme scheme_for_rule(const QuantScheme& base, const UserRule& rule) {
  QuantScheme s = base;
  if (rule.bits) s.bits = rule.bits;
  if (rule.group_size >= 0) s.group_size = rule.group_size;
  // A GGUF run: a rule names a ggml type, or bits that stand for one (8 -> q8_0, 4 -> q4_k ...).
  if (rule.ggml_type >= 0) s.ggml_type = rule.ggml_type;
  else if (rule.bits && s.is_ggml())
    if (const auto* type = gguf::type_for_bits(rule.bits)) s.ggml_type = int(type->type);
  return s;
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

// Gives `p` its decision and reason from the type, the user's rules and the built-in rules.
// Returns true when a user rule decided.
bool decide(const TensorInfo& t, ModelFamily family, const PlanOptions& opt, TensorPlan& p) {
  p.scheme = opt.scheme;
  if (!is_quantizable(t.dtype)) {
    p.decision = Decision::KeepNotFloat;
    p.reason = std::string(dtype_name(t.dtype)) + " is not a float type: carried over unchanged";
    return false;
  }
  for (const auto& rule : opt.rules) {
    if (!std::regex_search(t.name, rule.regex)) continue;
    if (rule.keep) {
      p.decision = Decision::KeepUser;
      p.reason = "user rule: keep '" + rule.pattern + "'";
    } else {
      p.scheme = scheme_for_rule(p.scheme, rule);
      p.decision = Decision::Quantize;
      p.reason = "user rule '" + rule.pattern + "': " + p.scheme.describe();
    }
    return true;
  }
  if (t.shape.size() <= 1) {
    p.decision = Decision::KeepOneDim;
    p.reason = std::to_string(t.shape.size()) + "-D tensor (norm, bias or buffer): kept as " +
               std::string(dtype_name(t.dtype));
    return false;
  }
  if (t.numel() <= opt.min_elements) {
    p.decision = Decision::KeepSmall;
    p.reason = std::to_string(t.numel()) + " elements (at most " + std::to_string(opt.min_elements) +
               "): scales would cost more than they save";
    return false;
  }
  if (opt.keep_sensitive) {
    if (const KeepRule* r = match_keep_rule(t.name, family)) {
      p.decision = Decision::KeepSensitive;
      p.reason = std::string(r->why) + ": name " +
                 (r->match == MatchKind::Suffix ? "ends with '" : "contains '") + std::string(r->pattern) + "'";
      if (!r->source.empty()) p.reason += " (kept by " + std::string(r->source) + ")";
      return false;
    }
  }
  p.decision = Decision::Quantize;
  p.reason = "default: " + p.scheme.describe();
  return false;
}

// ---- Input and output layers of a model of unknown family (docs/PLAN_RULES.md) ----------------

// Image-like channel counts: grey, RGB, RGBA, or a 4-channel latent.
constexpr int64_t kMaxImageChannels = 4;
// Convolution kernels are small; a [1, 256, 1152] positional table is not a convolution.
constexpr int64_t kMaxKernelSide = 32;
// More image-channel convolutions than this and they are not a network's two ends: a LoRA of rank
// 1-4 has a [rank, C, 3, 3] down and a [C, rank, 1, 1] up projection for every convolution.
constexpr std::size_t kMaxImageConvs = 4;

bool conv_like(const TensorInfo& t) {
  if (t.shape.size() < 3 || t.shape.size() > 5) return false;
  for (std::size_t d = 2; d < t.shape.size(); ++d)
    if (t.shape[d] < 1 || t.shape[d] > kMaxKernelSide) return false;
  return true;
}
bool from_image_channels(const TensorInfo& t) {  // [out, in <= 4, k...] with out > in
  return conv_like(t) && t.shape[1] >= 1 && t.shape[1] <= kMaxImageChannels && t.shape[0] > t.shape[1];
}
bool to_image_channels(const TensorInfo& t) {  // [out <= 4, in, k...] with in > out
  return conv_like(t) && t.shape[0] >= 1 && t.shape[0] <= kMaxImageChannels && t.shape[1] > t.shape[0];
}

constexpr std::string_view kEdgeWhy = ": kept, as runtimes keep the input and output layers of the families they know";

void keep_edge(const TensorInfo& t, ModelFamily family, TensorPlan& p, const std::string& what) {
  if (p.decision != Decision::Quantize) return;  // kept already, by a rule with a reason of its own
  // Would not pay anyway (a LoRA's [N, 1] piece): keep:no-gain keeps it, with the sizes as reason.
  if (!packing_pays_off(packed_layout(t.rows(), t.cols(), p.scheme).total_bytes(), t.nbytes)) return;
  p.decision = Decision::KeepSensitive;
  p.reason = what + (family == ModelFamily::VAE ? " of a VAE (" : " of a model of unknown family (") +
             t.shape_string() + ")" + std::string(kEdgeWhy);
}

// For each group of tensors (a diffusers component, or the whole file) whose family is unknown,
// keeps its input and output layers: convolutions from or to 1-4 channels (an image or a latent),
// when there are at most kMaxImageConvs of them, and the first and last layer-sized weights in
// processing (file) order. A VAE gets the convolution part only (its names are known, but not
// every VAE names them conv_in / conv_out). User rules win: tensors they decided are left alone.
void keep_edge_layers(const ModelSource& source, const std::vector<ModelFamily>& families,
                      const std::vector<bool>& by_user, const PlanOptions& opt, Plan& plan) {
  const auto& tensors = source.tensors();
  std::map<std::string, std::vector<std::size_t>> candidates;  // component -> indices, in order
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const TensorInfo& t = tensors[i];
    if ((families[i] != ModelFamily::Unknown && families[i] != ModelFamily::VAE) || by_user[i] ||
        !is_quantizable(t.dtype) || t.shape.size() < 2 || t.numel() <= opt.min_elements)
      continue;
    candidates[t.component].push_back(i);
  }
  for (const auto& [component, idx] : candidates) {
    const ModelFamily family = families[idx.front()];  // one family per component
    std::vector<std::size_t> inputs, outputs;
    for (std::size_t i : idx) {
      if (from_image_channels(tensors[i])) inputs.push_back(i);
      if (to_image_channels(tensors[i])) outputs.push_back(i);
    }
    if (inputs.size() + outputs.size() <= kMaxImageConvs) {
      for (std::size_t i : inputs)
        keep_edge(tensors[i], family, plan.tensors[i],
                  "input layer (a convolution from " + std::to_string(tensors[i].shape[1]) + " channels)");
      for (std::size_t i : outputs)
        keep_edge(tensors[i], family, plan.tensors[i],
                  "output layer (a convolution to " + std::to_string(tensors[i].shape[0]) + " channels)");
    }
    if (family != ModelFamily::Unknown) continue;
    keep_edge(tensors[idx.front()], family, plan.tensors[idx.front()], "first layer (the first weight in file order)");
    keep_edge(tensors[idx.back()], family, plan.tensors[idx.back()], "last layer (the last weight in file order)");
  }
}

// ---- GGUF: a block type that divides the rows ---------------------------------------------------

void fit_ggml_type(const TensorInfo& t, TensorPlan& p) {
  const auto* requested = gguf::find_type(gguf::GgmlType(p.scheme.ggml_type));
  if (!requested) return;
  const auto fit = gguf::fit_type(*requested, t.shape.empty() ? 1 : t.shape.back());
  // Falling back to f16 changes nothing for a tensor that is F16 or BF16 already: keep it.
  const bool to_f16 = fit.type && fit.type->type == gguf::GgmlType::F16;
  if (!fit.type || (to_f16 && t.dtype != DType::F32)) {
    p.decision = Decision::KeepNoBlock;
    p.reason = fit.reason.empty()  // f16 asked for (or fallen back to) a tensor that is 16-bit already
                   ? std::string(fit.type->name) + " would not make a " + std::string(dtype_name(t.dtype)) +
                         " tensor smaller: kept as " + std::string(dtype_name(t.dtype))
                   : std::string(requested->name) + " does not fit: " + fit.reason + " (kept as " +
                         std::string(dtype_name(t.dtype)) + ")";
    return;
  }
  if (fit.type == requested) return;
  p.scheme.ggml_type = int(fit.type->type);
  p.reason += "; " + fit.reason;
}

// ---- Never make a tensor larger ---------------------------------------------------------------

std::string fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string no_gain_reason(const TensorInfo& t, const TensorPlan& p, bool by_user) {
  const PackedLayout& l = p.layout;
  const uint64_t packed = l.total_bytes();
  const int64_t n = t.numel();
  // ggml layouts have blocks, not groups with scales of their own
  const int64_t units = p.scheme.is_ggml() ? (l.group ? l.cols / l.group : 0) : l.groups_per_row;
  std::string r = by_user ? p.reason + ", but packed " : "packed ";
  if (!by_user) r += p.scheme.describe();
  r += " would take " + fixed2(n ? 8.0 * double(packed) / double(n) : 0.0) + " bits/weight (" +
       std::to_string(l.rows) + (l.rows == 1 ? " row of " : " rows of ") + std::to_string(l.cols) +
       (l.cols == 1 ? " element, " : " elements, ") + std::to_string(units) +
       (p.scheme.is_ggml() ? (units == 1 ? " block" : " blocks") + std::string(" per row")
                           : (units == 1 ? " group" : " groups") + std::string(" per row, each with an F16 scale") +
                                 (p.scheme.symmetric ? "" : " and zero")) +
       ") = " + std::to_string(packed) +
       " bytes, not clearly smaller than the " + std::string(dtype_name(t.dtype)) + " source's " +
       std::to_string(t.nbytes) + " bytes (at most " + std::to_string(int(kMaxPackedToSourceRatio * 100 + 0.5)) +
       "% is required): kept as " + std::string(dtype_name(t.dtype));
  return r;
}

}  // namespace

Plan make_plan(const ModelSource& source, const PlanOptions& options) {
  Plan plan;
  const auto families = tensor_families(source, plan.family);
  if (options.gguf_architecture.empty()) {
    std::vector<std::string> names;
    for (const auto& t : source.tensors()) names.push_back(t.name);
    plan.gguf_architecture = gguf::architecture_for(plan.family, names);
  } else if (options.gguf_architecture != "none") {
    plan.gguf_architecture = options.gguf_architecture;
  }
  const auto& tensors = source.tensors();
  plan.tensors.resize(tensors.size());
  std::vector<bool> by_user(tensors.size(), false);
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    plan.tensors[i].index = i;
    by_user[i] = decide(tensors[i], families[i], options, plan.tensors[i]);
    plan.tensors[i].user_rule = by_user[i];
  }
  if (options.keep_sensitive) keep_edge_layers(source, families, by_user, options, plan);
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const TensorInfo& t = tensors[i];
    TensorPlan& p = plan.tensors[i];
    p.input_bytes = t.nbytes;
    if (p.quantized() && p.scheme.is_ggml()) fit_ggml_type(t, p);
    if (p.quantized()) {
      p.layout = packed_layout(t.rows(), t.cols(), p.scheme);
      if (!packing_pays_off(p.layout.total_bytes(), t.nbytes)) {
        p.decision = Decision::KeepNoGain;
        p.reason = no_gain_reason(t, p, by_user[i]);
        p.layout = {};
      }
    }
    if (p.quantized()) {
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

void set_tensor_scheme(Plan& plan, const ModelSource& source, std::size_t index, const QuantScheme& scheme,
                       std::string reason) {
  const TensorInfo& t = source.tensors()[index];
  TensorPlan& p = plan.tensors[index];
  plan.output_bytes -= p.output_bytes;
  p.scheme = scheme;
  p.layout = packed_layout(t.rows(), t.cols(), scheme);
  p.output_bytes = p.layout.total_bytes();
  p.reason = std::move(reason);
  plan.output_bytes += p.output_bytes;
}

}  // namespace aq
