#include "plan/budget.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <queue>

namespace aq {
namespace {

// Indices of the lower convex hull of (bytes, error), by increasing bytes and decreasing error.
std::vector<std::size_t> lower_hull(const std::vector<BudgetCandidate>& c) {
  std::vector<std::size_t> order(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return c[a].bytes != c[b].bytes ? c[a].bytes < c[b].bytes : c[a].error < c[b].error;
  });
  std::vector<std::size_t> hull;
  for (std::size_t i : order) {
    if (!hull.empty() && c[i].error >= c[hull.back()].error) continue;  // larger and no better
    // Pop the last point while it lies on or above the line from its predecessor to this one.
    while (hull.size() >= 2) {
      const auto& a = c[hull[hull.size() - 2]];
      const auto& b = c[hull.back()];
      const double cross = (double(b.bytes) - double(a.bytes)) * (c[i].error - a.error) -
                           (b.error - a.error) * (double(c[i].bytes) - double(a.bytes));
      if (cross > 0) break;  // b is below the chord a -> i: keep it
      hull.pop_back();
    }
    hull.push_back(i);
  }
  return hull;
}

struct Step {
  double gain_per_byte;
  std::size_t tensor;
  std::size_t hull_pos;  // the step goes from hull[hull_pos - 1] to hull[hull_pos]
  bool operator<(const Step& o) const {
    return gain_per_byte != o.gain_per_byte ? gain_per_byte < o.gain_per_byte : tensor > o.tensor;
  }
};

}  // namespace

Result<BudgetChoice> allocate_budget(const std::vector<BudgetTensor>& tensors, uint64_t budget_bytes) {
  std::vector<std::vector<std::size_t>> hulls;
  BudgetChoice choice;
  for (const auto& t : tensors) {
    if (t.candidates.empty()) return make_error(ErrorKind::Internal, "", "", "a tensor without candidates");
    hulls.push_back(lower_hull(t.candidates));
    choice.chosen.push_back(hulls.back().front());
    choice.bytes += t.candidates[choice.chosen.back()].bytes;
  }
  if (choice.bytes > budget_bytes)
    return make_error(ErrorKind::BadArgument, "", "",
                      "the size budget cannot be met: the smallest choice for every tensor takes " +
                          std::to_string(choice.bytes) + " bytes of quantized tensor data, the budget leaves " +
                          std::to_string(budget_bytes));
  // Every tensor at its smallest candidate: where both the path and the frontier start.
  double start_error = 0;
  for (std::size_t t = 0; t < tensors.size(); ++t) start_error += tensors[t].candidates[choice.chosen[t]].error;
  choice.path.push_back({choice.bytes, start_error});
  auto record = [&](uint64_t bytes, double gain) { choice.path.push_back({bytes, choice.path.back().error - gain}); };
  std::priority_queue<Step> steps;
  // A step's two ends, and the queueing of a tensor's next step.
  auto from_of = [&](const Step& s) -> const BudgetCandidate& { return tensors[s.tensor].candidates[hulls[s.tensor][s.hull_pos - 1]]; };
  auto to_of = [&](const Step& s) -> const BudgetCandidate& { return tensors[s.tensor].candidates[hulls[s.tensor][s.hull_pos]]; };
  auto push_next = [&](std::priority_queue<Step>& queue, std::size_t t, std::size_t pos) {
    if (pos >= hulls[t].size()) return;
    const Step s{0, t, pos};
    const double bytes = double(to_of(s).bytes - from_of(s).bytes);
    queue.push({(from_of(s).error - to_of(s).error) / std::max(bytes, 1.0), t, pos});
  };
  for (std::size_t t = 0; t < tensors.size(); ++t) push_next(steps, t, 1);
  // The frontier: the queue's steps taken in order whatever their size (a copy of the queue, so the
  // budgeted run below takes the same steps in the same order).
  {
    auto all = steps;
    choice.frontier.push_back(choice.path.front());
    while (!all.empty()) {
      const Step s = all.top();
      all.pop();
      const BudgetPoint& last = choice.frontier.back();
      choice.frontier.push_back({last.bytes + (to_of(s).bytes - from_of(s).bytes), last.error - (from_of(s).error - to_of(s).error)});
      push_next(all, s.tensor, s.hull_pos + 1);
    }
  }
  while (!steps.empty()) {
    const Step s = steps.top();
    steps.pop();
    const uint64_t added = to_of(s).bytes - from_of(s).bytes;
    if (choice.bytes + added > budget_bytes) continue;  // does not fit; smaller steps of others still may
    choice.bytes += added;
    choice.chosen[s.tensor] = hulls[s.tensor][s.hull_pos];
    record(choice.bytes, from_of(s).error - to_of(s).error);
    push_next(steps, s.tensor, s.hull_pos + 1);
  }
  // Fill: what the greedy left unspent may still buy a better candidate for some tensor (off the
  // hull, or a step the greedy skipped). Take the largest error reduction that fits, until none.
  for (;;) {
    double best_gain = 0;
    std::size_t best_t = 0, best_c = 0;
    for (std::size_t t = 0; t < tensors.size(); ++t) {
      const auto& now = tensors[t].candidates[choice.chosen[t]];
      for (std::size_t c = 0; c < tensors[t].candidates.size(); ++c) {
        const auto& alt = tensors[t].candidates[c];
        if (alt.error >= now.error || choice.bytes - now.bytes + alt.bytes > budget_bytes) continue;
        if (now.error - alt.error > best_gain) best_gain = now.error - alt.error, best_t = t, best_c = c;
      }
    }
    if (best_gain <= 0) break;
    choice.bytes = choice.bytes - tensors[best_t].candidates[choice.chosen[best_t]].bytes + tensors[best_t].candidates[best_c].bytes;
    choice.chosen[best_t] = best_c;
    record(choice.bytes, best_gain);
  }
  for (std::size_t t = 0; t < tensors.size(); ++t) choice.error += tensors[t].candidates[choice.chosen[t]].error;
  choice.path.back().error = choice.error;  // the exact sum, not the running one
  return choice;
}

std::optional<uint64_t> parse_size(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(v) || v <= 0) return std::nullopt;
  std::string unit(end);
  for (char& c : unit) c = char(std::tolower(static_cast<unsigned char>(c)));
  double scale = 0;
  if (unit.empty() || unit == "b") scale = 1;
  else if (unit == "kb") scale = 1e3;
  else if (unit == "mb") scale = 1e6;
  else if (unit == "gb") scale = 1e9;
  else if (unit == "tb") scale = 1e12;
  else if (unit == "kib") scale = 1024.0;
  else if (unit == "mib") scale = 1024.0 * 1024;
  else if (unit == "gib") scale = 1024.0 * 1024 * 1024;
  else if (unit == "tib") scale = 1024.0 * 1024 * 1024 * 1024;
  else return std::nullopt;
  const double bytes = v * scale;
  if (bytes < 1 || bytes > 1.8e19) return std::nullopt;
  return uint64_t(bytes);
}

}  // namespace aq
