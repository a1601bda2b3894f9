#include "job/estimate.h"

#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>

#include "io/model_source.h"
#include "job/block_quantizer.h"
#include "job/job.h"

namespace aq {

const RunEstimate::TensorQuality* RunEstimate::worst_quality() const {
  const auto worst = std::min_element(quality.begin(), quality.end(), [](const auto& a, const auto& b) {
    return metrics_from(a.sums).sqnr_db < metrics_from(b.sums).sqnr_db;
  });
  return worst == quality.end() ? nullptr : &*worst;
}

RunEstimate estimate_run(const ModelSource& source, const Plan& plan, int threads, uint64_t sample_bytes) {
  RunEstimate e;
  e.input_bytes = plan.input_bytes;
  e.output_bytes = plan.output_bytes;
  e.size_warning = plan.size_warning();
  e.bits_per_weight = plan.bits_per_weight();
  uint64_t quantized_bytes = 0;
  for (const auto& p : plan.tensors)
    if (p.quantized()) quantized_bytes += p.input_bytes;
  if (quantized_bytes == 0) return e;

  const KernelSet& kernels = best_kernels();
  const auto& tensors = source.tensors();
  const double share = std::min(1.0, double(sample_bytes) / double(quantized_bytes));
  double seconds = 0;
  tbb::task_arena arena(resolve_threads(threads));
  arena.execute([&] {
    BlockBuffers buffers;
    std::vector<std::byte> scratch;
    for (const auto& p : plan.tensors) {
      if (!p.quantized()) continue;
      const TensorInfo& t = tensors[p.index];
      // The same share of every quantized tensor's rows, from its middle, so each shape counts.
      const int64_t rows = std::clamp<int64_t>(int64_t(double(t.rows()) * share + 0.5), 1, t.rows());
      const int64_t r0 = (t.rows() - rows) / 2;
      auto data = source.read_rows(p.index, r0, r0 + rows, scratch);
      if (!data) continue;
      buffers.resize_for(p, rows);
      const auto start = std::chrono::steady_clock::now();
      const BlockOutcome outcome = quantize_block(kernels, t, p, *data, rows, buffers, nullptr);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (outcome.status == RowStatus::Ok) {
        e.quality.push_back({p.index, t.name, outcome.sums});
        e.quality_total.merge(outcome.sums);
      }
      e.sample_bytes += uint64_t(rows) * t.row_bytes();
    }
  });
  if (seconds > 0) {
    e.sample_mb_per_s = double(e.sample_bytes) / 1e6 / seconds;
    e.seconds = double(plan.input_bytes) / 1e6 / e.sample_mb_per_s;
  }
  return e;
}

}  // namespace aq
