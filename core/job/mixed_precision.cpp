#include "job/mixed_precision.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "calib/gptq.h"
#include "gguf/type_choice.h"
#include "io/model_source.h"
#include "quant/scheme_traits.h"

namespace aq {
namespace {

// The schemes a tensor may get: the run's bits and group size and the usual alternatives, or for
// GGUF the K types and q8_0 that fit its rows.
std::vector<QuantScheme> candidate_schemes(const TensorInfo& t, const QuantScheme& base) {
  std::vector<QuantScheme> out;
  auto add = [&](const QuantScheme& s) {
    if (validate(s) && std::find(out.begin(), out.end(), s) == out.end() &&
        packing_pays_off(packed_layout(t.rows(), t.cols(), s).total_bytes(), t.nbytes))
      out.push_back(s);
  };
  if (base.is_ggml()) {
    for (const char* name : {"q2_k", "q3_k", "q4_k", "q5_k", "q6_k", "q8_0"}) {
      const auto fit = gguf::fit_type(*gguf::find_type(name), t.shape.empty() ? 1 : t.shape.back());
      if (!fit.type || !fit.type->quantized) continue;
      QuantScheme s = base;
      s.ggml_type = int(fit.type->type);
      add(s);
    }
    return out;
  }
  for (int bits : {2, 3, 4, 8}) {
    std::vector<int> groups = {base.group_size};
    if (bits < 8)
      for (int g : {32, 64, 128}) groups.push_back(g);
    for (int g : groups) {
      QuantScheme s = base;
      s.bits = bits;
      s.group_size = g;
      add(s);
    }
  }
  return out;
}

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// One tensor's measurements: its sample, the calibration it has, and each candidate's error.
struct Measured {
  std::size_t index = 0;
  BudgetTensor tensor;
  int64_t sample_rows = 0;
  const char* error_kind = "weight";
};

Result<Measured> measure(const BudgetContext& ctx, const TensorPlan& p, std::vector<QuantScheme> schemes) {
  const TensorInfo& t = ctx.source.tensors()[p.index];
  const int64_t rows = t.rows(), k = t.cols();
  Measured m;
  m.index = p.index;
  m.sample_rows = std::min(rows, kBudgetSampleRows);
  const int64_t n = m.sample_rows;
  std::vector<float> x(std::size_t(n * k));
  std::vector<std::byte> scratch;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = i * rows / n;
    auto data = ctx.source.read_rows(p.index, r, r + 1, scratch);
    if (!data) return data.error();
    ctx.kernels.to_f32(t.dtype, *data, x.data() + i * k, k);
  }

  // The weighting of the error: H (compensation too), its diagonal, or none.
  std::vector<float> h;
  bool diagonal = true;
  GptqFactor factor;
  factor.k = k;
  const CalibrationLayer* layer = ctx.calibration ? ctx.calibration->find(t.name) : nullptr;
  if (layer) {
    if (auto s = ctx.calibration->read_weighted(*layer, ctx.calibration_options.timestep_weights, h); !s) return s.error();
    diagonal = layer->diagonal;
    GptqOptions options = ctx.calibration_options.gptq;
    options.act_order = options.act_order && !p.scheme.is_ggml();
    std::string note;
    auto f = make_gptq_factor(h, k, diagonal, options, ctx.math, note);
    if (!f) {
      Error e = f.error();
      e.file = ctx.calibration->path().string();
      e.tensor = t.name;
      return e;
    }
    factor = std::move(*f);
    m.error_kind = diagonal ? "activation-weighted" : "output";
  } else {
    factor.diag.assign(std::size_t(k), 1.0f);
  }
  // sum over rows of v^T W v for the weighting W, with v rows of `values`.
  std::vector<float> gram;
  auto weighted = [&](const std::vector<float>& values) {
    if (!diagonal) {
      gram.assign(std::size_t(k * k), 0.0f);
      ctx.math.add_gram(gram.data(), values.data(), n, k);
      return frobenius_dot(h.data(), gram.data(), k * k);
    }
    double total = 0;
    for (int64_t r = 0; r < n; ++r)
      for (int64_t j = 0; j < k; ++j) {
        const double v = values[std::size_t(r * k + j)];
        total += (layer ? double(h[std::size_t(j)]) : 1.0) * v * v;
      }
    return total;
  };
  const double signal = weighted(x);

  std::vector<float> w, q(x.size());
  for (const QuantScheme& s : schemes) {
    const PackedLayout l = packed_layout(n, k, s);
    std::vector<uint8_t> codes(std::size_t(l.codes_bytes));
    std::vector<uint16_t> scales(std::size_t(n * l.groups_per_row)), zeros(scales.size());
    w = x;
    for (int64_t r0 = 0; r0 < n; r0 += kGptqRowChunk) {
      RowBuffers out{codes.data(), scales.data(), s.symmetric ? nullptr : zeros.data(), &l, r0};
      GptqChunk chunk{w.data() + r0 * k, q.data() + r0 * k, std::min(kGptqRowChunk, n - r0), &RowBuffers::at, &out};
      int64_t failed = -1;
      if (gptq_quantize_chunk(ctx.kernels, ctx.math, s, factor, chunk, &failed).status != RowStatus::Ok) break;
      if (r0 + kGptqRowChunk >= n) {  // the whole sample went through: record the candidate
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = x[i] - q[i];
        const double error = signal > 0 ? weighted(w) / signal : 0;
        m.tensor.candidates.push_back({s, packed_layout(rows, k, s).total_bytes(), error});
      }
    }
  }
  return m;
}

// The allocation in whole-output terms: the fixed bytes added to every point.
BudgetSummary summarise(const BudgetChoice& choice, const std::vector<Result<Measured>>& measured, uint64_t target,
                        uint64_t fixed, int64_t params) {
  BudgetSummary s;
  s.target_bytes = target;
  s.fixed_bytes = fixed;
  s.params = params;
  s.tensors = measured.size();
  std::vector<std::string> kinds;
  for (const auto& m : measured)
    if (std::find(kinds.begin(), kinds.end(), m->error_kind) == kinds.end()) kinds.push_back(m->error_kind);
  for (const auto& k : kinds) s.error_kind += (s.error_kind.empty() ? "" : " and ") + k;
  auto shifted = [fixed](std::vector<BudgetPoint> points) {
    for (auto& p : points) p.bytes += fixed;
    return points;
  };
  s.path = shifted(choice.path);
  s.frontier = shifted(choice.frontier);
  s.chosen = {choice.bytes + fixed, choice.error};
  return s;
}

}  // namespace

Status apply_budget(const BudgetContext& ctx, const BudgetOptions& budget, Plan& plan, std::vector<std::string>& notes) {
  const auto& tensors = ctx.source.tensors();
  const int64_t params = plan.quantized_params + plan.kept_params;
  const uint64_t target =
      budget.target_bytes ? budget.target_bytes : uint64_t(std::floor(budget.target_bpw * double(params) / 8.0));
  std::vector<const TensorPlan*> eligible;
  std::vector<std::vector<QuantScheme>> schemes;
  uint64_t fixed = 0;
  for (const TensorPlan& p : plan.tensors) {
    // With a calibration file the budget is spent on output errors only: a tensor without data
    // would bring a weight error, which is on another scale, so it keeps its default scheme.
    const bool measurable = !ctx.calibration || ctx.calibration->find(tensors[p.index].name);
    auto s = p.quantized() && !p.user_rule && measurable ? candidate_schemes(tensors[p.index], p.scheme)
                                                         : std::vector<QuantScheme>{};
    if (s.empty()) {
      fixed += p.output_bytes;
      continue;
    }
    eligible.push_back(&p);
    schemes.push_back(std::move(s));
  }
  auto budget_error = [&](const std::string& why) {
    return make_error(ErrorKind::BadArgument, "", "",
                      "size budget of " + std::to_string(target) + " bytes (" + short_number(8.0 * double(target) / double(std::max<int64_t>(params, 1))) +
                          " bits/weight): " + why);
  };
  if (eligible.empty()) return budget_error("no tensor is left to the defaults, so none can be given another scheme");
  if (fixed >= target)
    return budget_error("the tensors kept or set by rules already take " + std::to_string(fixed) + " bytes");

  std::vector<Result<Measured>> measured(eligible.size(), Result<Measured>(Measured{}));
  // Data-free measurements are cheap and independent; calibrated ones hold k x k matrices, so
  // they go one tensor at a time.
  auto run = [&](std::size_t i) { measured[i] = measure(ctx, *eligible[i], schemes[i]); };
  if (ctx.calibration) {
    for (std::size_t i = 0; i < eligible.size(); ++i) run(i);
  } else {
    tbb::parallel_for(std::size_t(0), eligible.size(), run);
  }
  std::vector<BudgetTensor> problem;
  for (auto& m : measured) {
    if (!m) return m.error();
    if (m->tensor.candidates.empty())
      return make_error(ErrorKind::BadInput, ctx.source.path().string(), tensors[m->index].name,
                        "no candidate scheme could quantize the sampled rows (non-finite weights?)");
    problem.push_back(m->tensor);
  }
  auto choice = allocate_budget(problem, target - fixed);
  if (!choice) return budget_error(choice.error().reason);

  for (std::size_t i = 0; i < eligible.size(); ++i) {
    const Measured& m = *measured[i];
    const BudgetCandidate& c = m.tensor.candidates[choice->chosen[i]];
    const TensorInfo& t = tensors[m.index];
    std::string reason = "size budget: " + c.scheme.describe() + ", relative " + m.error_kind + " error " +
                         short_number(c.error) + " (measured on " + std::to_string(m.sample_rows) + " of " +
                         std::to_string(t.rows()) + " rows, against " + std::to_string(m.tensor.candidates.size()) +
                         " candidates)";
    set_tensor_scheme(plan, ctx.source, m.index, c.scheme, std::move(reason));
  }
  plan.budget = summarise(*choice, measured, target, fixed, params);
  notes.push_back("size budget " + std::to_string(target) + " bytes: " + std::to_string(eligible.size()) +
                  " tensors given a scheme each by greedy allocation on marginal error per byte (lower convex hulls), "
                  "summed relative error " + short_number(choice->error) + "; output " +
                  std::to_string(plan.output_bytes) + " bytes, " + short_number(plan.bits_per_weight()) + " bits/weight");
  return {};
}

}  // namespace aq
