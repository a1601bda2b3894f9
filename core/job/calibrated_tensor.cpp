#include "job/calibrated_tensor.h"

#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include <cmath>
#include <limits>
#include <mutex>

#include "job/job_context.h"
#include "plan/plan.h"
#include "tensor/tensor_info.h"

namespace aq {
namespace {

Error tensor_error(const JobContext& ctx, const TensorInfo& t, Error e) {
  if (e.file.empty()) e.file = ctx.config.calibration.file.string();
  if (e.tensor.empty()) e.tensor = t.name;
  return e;
}

}  // namespace

Result<std::optional<CalibratedTensor>> prepare_calibrated(JobContext& ctx, const TensorInfo& t, const TensorPlan& p) {
  const CalibrationLayer* layer = ctx.calibration->find(t.name);
  if (!layer) return std::optional<CalibratedTensor>();  // open_calibration() has said so
  const int64_t k = p.layout.cols;
  CalibratedTensor cal;
  cal.layer = layer;
  std::vector<float> h;
  if (auto s = ctx.calibration->read_weighted(*layer, ctx.config.calibration.timestep_weights, h); !s)
    return tensor_error(ctx, t, s.error());
  GptqOptions options = ctx.config.calibration.gptq;
  options.act_order = options.act_order && !p.scheme.is_ggml();  // a ggml block is encoded whole
  std::string note;
  auto factor = make_gptq_factor(std::move(h), k, layer->diagonal, options, ctx.gptq_math, note);
  if (!factor) return tensor_error(ctx, t, factor.error());
  if (!note.empty()) ctx.log(LogLevel::Warning, t.name + ": " + note);
  cal.factor = std::move(*factor);
  const std::size_t gram = std::size_t(layer->diagonal ? k : k * k);
  cal.error_gram.assign(gram, 0.0f);
  cal.weight_gram.assign(gram, 0.0f);
  return std::optional<CalibratedTensor>(std::move(cal));
}

BlockOutcome quantize_block_calibrated(JobContext& ctx, const TensorInfo& t, const TensorPlan& p, CalibratedTensor& cal,
                                       const std::byte* data, int64_t rows, BlockBuffers& out) {
  const int64_t k = p.layout.cols;
  const std::size_t in_row_bytes = t.row_bytes();
  std::vector<float> x(std::size_t(rows * k)), w(std::size_t(rows * k)), q(std::size_t(rows * k));
  tbb::parallel_for(int64_t(0), rows, [&](int64_t r) {
    ctx.kernels.to_f32(t.dtype, data + std::size_t(r) * in_row_bytes, x.data() + r * k, k);
  });
  w = x;

  BlockOutcome outcome;
  std::mutex failure_mutex;
  const int64_t chunks = (rows + kGptqRowChunk - 1) / kGptqRowChunk;
  tbb::parallel_for(int64_t(0), chunks, [&](int64_t c) {
    if (ctx.cancel.cancelled()) return;
    const int64_t r0 = c * kGptqRowChunk, n = std::min(kGptqRowChunk, rows - r0);
    RowBuffers where{out.codes.data(), out.scales.data(), p.scheme.symmetric ? nullptr : out.zeros.data(), &p.layout, r0};
    GptqChunk chunk{w.data() + r0 * k, q.data() + r0 * k, n, &RowBuffers::at, &where};
    int64_t failed_row = -1;
    const RowResult rr = gptq_quantize_chunk(ctx.kernels, ctx.gptq_math, p.scheme, cal.factor, chunk, &failed_row);
    if (rr.status == RowStatus::Ok) return;
    std::lock_guard lock(failure_mutex);
    if (outcome.row < 0 || r0 + failed_row < outcome.row)
      outcome.status = rr.status, outcome.row = r0 + failed_row, outcome.col = rr.col;
  });
  if (ctx.cancel.cancelled() && outcome.row < 0) {
    outcome.cancelled = true;
    return outcome;
  }
  if (outcome.status != RowStatus::Ok) return outcome;

  for (int64_t r = 0; r < rows; ++r) accumulate(outcome.sums, x.data() + r * k, q.data() + r * k, k);
  float* d = w.data();  // the working copy is spent: it becomes the error W - Q
  for (std::size_t i = 0; i < x.size(); ++i) d[i] = x[i] - q[i];
  if (cal.layer->diagonal) {
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < k; ++j) {
        cal.error_gram[std::size_t(j)] += d[r * k + j] * d[r * k + j];
        cal.weight_gram[std::size_t(j)] += x[std::size_t(r * k + j)] * x[std::size_t(r * k + j)];
      }
  } else {
    tbb::parallel_invoke([&] { ctx.gptq_math.add_gram(cal.error_gram.data(), d, rows, k); },
                         [&] { ctx.gptq_math.add_gram(cal.weight_gram.data(), x.data(), rows, k); });
  }
  return outcome;
}

Result<OutputError> measure_output_error(JobContext& ctx, const TensorInfo& t, CalibratedTensor& cal) {
  const bool compensated = !cal.factor.u.empty();
  cal.factor.u = {};  // no longer needed: make room for a bucket's matrix
  const CalibrationFile& file = *ctx.calibration;
  const auto& weights = ctx.config.calibration.timestep_weights;
  OutputError e;
  e.damping = cal.factor.damping;
  e.compensated = compensated;
  double num = 0, den = 0;
  std::vector<float> h;
  for (int b = 0; b < file.buckets(); ++b) {
    if (cal.layer->counts[std::size_t(b)] == 0) {
      e.bucket_relative.push_back(std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    if (auto s = file.read_bucket(*cal.layer, b, h); !s) return tensor_error(ctx, t, s.error());
    const double nb = frobenius_dot(h.data(), cal.error_gram.data(), int64_t(h.size()));
    const double db = frobenius_dot(h.data(), cal.weight_gram.data(), int64_t(h.size()));
    e.bucket_relative.push_back(db > 0 ? nb / db : std::numeric_limits<double>::quiet_NaN());
    const double wb = weights.empty() ? 1.0 : weights[std::size_t(b)];
    num += wb * nb;
    den += wb * db;
  }
  e.relative = den > 0 ? num / den : 0;
  e.sqnr_db = e.relative > 0 ? -10.0 * std::log10(e.relative) : std::numeric_limits<double>::infinity();
  cal.error_gram = {};
  cal.weight_gram = {};
  return e;
}

}  // namespace aq
