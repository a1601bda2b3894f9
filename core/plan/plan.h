#pragma once
// The plan: for every tensor, quantize it (with which scheme) or keep it as it is, and why.
// The built-in keep rules are written down once, in keep_rules.cpp.
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "plan/budget.h"
#include "plan/family.h"
#include "quant/scheme.h"
#include "util/result.h"

namespace aq {

class ModelSource;
struct TensorInfo;

enum class Decision {
  Quantize,
  KeepNotFloat,    // dtype is not F32/F16/BF16
  KeepOneDim,      // 1-D (norm, bias) or 0-D
  KeepSmall,       // at most PlanOptions::min_elements elements
  KeepSensitive,   // name matches a built-in diffusion-sensitive rule, or is an input/output layer
                   // of a model of unknown family (docs/PLAN_RULES.md)
  KeepUser,        // the user asked (--keep REGEX)
  KeepNoGain,      // would be quantized, but its packed size is not clearly smaller than its source
  KeepNoBlock,     // GGUF output: no ggml block type divides its innermost dimension
};
std::string_view decision_name(Decision d);  // "quantize", "keep:not-float", ..., "keep:no-gain"

/// "Clearly smaller": a tensor is quantized only if its packed layout (codes + scales + zeros) takes
/// at most this share of its source bytes; otherwise it is kept (Decision::KeepNoGain), whatever
/// rule chose to quantize it, a user's --rule included. Thin tensors are what this catches: a
/// [N, 1] LoRA tensor has N rows of one element, each with its own F16 scale and zero, and would
/// grow from 16 to 40 bits per weight at INT4. At 0.75, INT8 with groups of 8 on an F16 source
/// (12 bits/weight, exactly 0.75) still passes; see docs/PLAN_RULES.md.
inline constexpr double kMaxPackedToSourceRatio = 0.75;

/// True when `packed_bytes` is clearly smaller than `source_bytes` (see kMaxPackedToSourceRatio).
/// An empty tensor never is.
bool packing_pays_off(uint64_t packed_bytes, uint64_t source_bytes);

/// A user override, matched against tensor names with std::regex_search; first match wins.
struct UserRule {
  std::string pattern;
  bool keep = false;
  int bits = 0;         // 0: the run's default
  int group_size = -1;  // -1: the run's default; 0: per-channel
  int ggml_type = -1;   // a ggml type id for GGUF output ("REGEX=q6_k"); -1: none
  std::regex regex;
};

/// The scheme a (non-keep) rule gives a tensor whose default is `base`: the plan and the job's
/// up-front validation both use it.
QuantScheme scheme_for_rule(const QuantScheme& base, const UserRule& rule);

/// "--keep REGEX" and "--rule REGEX=BITS[:GROUP|channel]". Bad regex or numbers are an Error.
Result<UserRule> make_keep_rule(const std::string& pattern);
Result<UserRule> parse_user_rule(const std::string& spec);

struct PlanOptions {
  QuantScheme scheme;               // the run's default scheme
  std::vector<UserRule> rules;      // checked before the built-in rules
  int64_t min_elements = 1024;      // tensors with at most this many elements stay in float
  bool keep_sensitive = true;       // apply the built-in diffusion-sensitive name rules
  /// GGUF output: general.architecture. Empty: from the family (gguf/gguf_names.h); "none": omit.
  std::string gguf_architecture;
};

struct TensorPlan {
  std::size_t index = 0;           // into ModelSource::tensors()
  Decision decision = Decision::Quantize;
  std::string reason;              // shown to the user: the rule that fired, in words
  QuantScheme scheme;              // meaningful when quantized
  PackedLayout layout;             // meaningful when quantized
  uint64_t input_bytes = 0;
  uint64_t output_bytes = 0;       // packed size, or input_bytes when kept
  bool user_rule = false;          // a --keep/--rule decided: a size budget leaves it alone

  bool quantized() const { return decision == Decision::Quantize; }
};

struct Plan {
  ModelFamily family = ModelFamily::Unknown;
  std::vector<TensorPlan> tensors;  // same order as ModelSource::tensors()
  uint64_t input_bytes = 0;
  uint64_t output_bytes = 0;        // tensor data only (headers not counted)
  int64_t quantized_params = 0;
  int64_t kept_params = 0;
  std::size_t quantized_count = 0;
  std::string gguf_architecture;    // GGUF output's general.architecture; empty: none
  std::optional<BudgetSummary> budget;  // set by apply_budget() (job/mixed_precision.h)

  /// Output bits per parameter over the whole model, scales and kept tensors included.
  double bits_per_weight() const;
  /// Output bits per parameter over the quantized tensors only (codes + scales + zeros).
  double quantized_bits_per_weight() const;
  /// Whether the output's tensor data is smaller than the input's. Every quantized tensor is
  /// (KeepNoGain), so this is false exactly when nothing gets quantized.
  bool shrinks() const { return output_bytes < input_bytes; }
  /// "the output (X MB) would not be smaller than the input (Y MB)..." when !shrinks(), else empty.
  /// The CLI's `plan` prints it after "warning: "; the same words are meant for the GUI.
  std::string size_warning() const;
};

Plan make_plan(const ModelSource& source, const PlanOptions& options);

/// Gives a quantized tensor another scheme (a size budget's choice): its layout, output bytes and
/// the plan's totals follow.
void set_tensor_scheme(Plan& plan, const ModelSource& source, std::size_t index, const QuantScheme& scheme,
                       std::string reason);

}  // namespace aq
