#pragma once
// The built-in rules that keep diffusion-sensitive tensors at their original precision, by name.
// Written down once here; docs/PLAN_RULES.md is generated from the same table (`arrowquant-cli rules`).
#include <span>
#include <string_view>

#include "plan/family.h"

namespace aq {

enum class MatchKind { Suffix, Contains };

struct KeepRule {
  ModelFamily family;  // Unknown: applies to every family
  MatchKind match;
  std::string_view pattern;
  std::string_view why;     // what such a tensor is, and why it stays in float
  std::string_view source;  // who else keeps it; empty for ArrowQuant's own rules
};

std::span<const KeepRule> builtin_keep_rules();

/// The first built-in rule matching `name` for a model of `family`, or null.
const KeepRule* match_keep_rule(std::string_view name, ModelFamily family);

}  // namespace aq
