#pragma once
// How many tensors each rule kept out of quantization, for the plan's summary in the GUI's log:
// counted here, in the core, like everything else the GUI shows.
#include <string>
#include <vector>

#include "plan/plan.h"

namespace aq {

struct RuleCount {
  std::string rule;  // "keep (REASON)": the decision's name and the rule's reason, as planned
  int tensors = 0;
};

/// One entry per distinct decision and reason among the tensors not quantized, sorted by rule.
std::vector<RuleCount> kept_rule_counts(const Plan& plan);

}  // namespace aq
