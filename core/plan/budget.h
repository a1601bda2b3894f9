#pragma once
// Mixed precision under a size budget: given, for each tensor, candidate schemes with their exact
// size and a measured error, choose one per tensor so that the total error is smallest while the
// total size stays within the budget.
//
// Algorithm: greedy on marginal error per byte. Each tensor's candidates are reduced to their lower
// convex hull (size against error); every tensor starts at its smallest candidate, then the upgrade
// with the largest error reduction per added byte is taken, as long as it fits, until none does.
// On the hull the steps of one tensor come in decreasing order of that ratio, so this is the
// classic greedy for a separable convex budget: optimal for the continuous relaxation, and at most
// one step per tensor from the discrete optimum. A fill pass then spends what is left on the
// largest error reduction that still fits, tensor by tensor, until none does.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "quant/scheme.h"
#include "util/result.h"

namespace aq {

struct BudgetOptions {
  double target_bpw = 0;      // bits per weight of the whole output's tensor data; 0: none
  uint64_t target_bytes = 0;  // tensor data bytes of the whole output; 0: none
  bool enabled() const { return target_bpw > 0 || target_bytes > 0; }
};

struct BudgetCandidate {
  QuantScheme scheme;
  uint64_t bytes = 0;
  double error = 0;  // relative (output or weight) error; smaller is better
};

struct BudgetTensor {
  std::vector<BudgetCandidate> candidates;  // any order
};

/// One choice for every tensor, seen as its total size and summed error.
struct BudgetPoint {
  uint64_t bytes = 0;
  double error = 0;
};

struct BudgetChoice {
  std::vector<std::size_t> chosen;  // per tensor: an index into its candidates
  uint64_t bytes = 0;               // of the chosen candidates
  double error = 0;                 // their summed error
  /// The choices the allocation went through: every tensor at its smallest candidate, then one
  /// point per step taken (greedy, then fill); the last is the choice. Bytes rise, error falls.
  std::vector<BudgetPoint> path;
  /// The same greedy without the budget: the lower convex frontier of total size against total
  /// error, from every tensor at its smallest to every tensor at its best. No choice lies below it.
  std::vector<BudgetPoint> frontier;
};

/// What a size budget did to a whole plan, for reports and charts (the CLI's JSON, the GUI's
/// Pareto chart). Bytes are the whole output's tensor data: `fixed_bytes` (tensors the budget
/// left alone) plus the chosen tensors'.
struct BudgetSummary {
  uint64_t target_bytes = 0;
  uint64_t fixed_bytes = 0;
  int64_t params = 0;          // of the whole model, for bits per weight
  std::size_t tensors = 0;     // tensors the budget chose a scheme for
  std::string error_kind;      // what the error sums: "output", "weight", "activation-weighted", or a mix
  BudgetPoint chosen;
  std::vector<BudgetPoint> path;
  std::vector<BudgetPoint> frontier;

  double bits_per_weight(uint64_t bytes) const { return params > 0 ? 8.0 * double(bytes) / double(params) : 0; }
};

/// Chooses within `budget_bytes` for the tensors (fixed bytes of everything else already taken
/// out). An Error when even the smallest candidates do not fit: it says how small they get.
Result<BudgetChoice> allocate_budget(const std::vector<BudgetTensor>& tensors, uint64_t budget_bytes);

/// Parses --target-size: a number with an optional unit B, KB, MB, GB, TB (powers of 1000) or
/// KiB, MiB, GiB, TiB (powers of 1024), any case.
std::optional<uint64_t> parse_size(const std::string& text);

}  // namespace aq
