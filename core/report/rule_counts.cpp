#include "report/rule_counts.h"

#include <map>

namespace aq {

std::vector<RuleCount> kept_rule_counts(const Plan& plan) {
  std::map<std::string, int> counts;
  for (const auto& t : plan.tensors)
    if (!t.quantized()) ++counts[std::string(decision_name(t.decision)) + " (" + t.reason + ")"];
  std::vector<RuleCount> out;
  out.reserve(counts.size());
  for (auto& [rule, n] : counts) out.push_back({rule, n});
  return out;
}

}  // namespace aq
