#include "job/block_quantizer.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>

#include "gguf/ggml_types.h"
#include "job/job.h"
#include "plan/plan.h"
#include "tensor/tensor_info.h"

namespace aq {
namespace {

// A row in a ggml block type: encoded by the type's codec, then decoded again to measure the error
// exactly as a runtime will see it.
RowResult encode_ggml_row(const gguf::TypeTraits& type, const float* x, int64_t cols, uint8_t* out, ErrorSums& sums) {
  for (int64_t c = 0; c < cols; ++c)
    if (!std::isfinite(x[c])) return {RowStatus::NonFinite, c};
  thread_local std::vector<float> decoded;
  decoded.resize(std::size_t(cols));
  type.quantize(x, cols, out, nullptr);
  type.dequantize(out, cols, decoded.data());
  for (int64_t c = 0; c < cols; ++c)  // an fp16 block scale can overflow on huge weights
    if (!std::isfinite(decoded[std::size_t(c)])) return {RowStatus::ScaleOverflow, c};
  accumulate(sums, x, decoded.data(), cols);
  return {};
}

}  // namespace

void BlockBuffers::resize_for(const TensorPlan& plan, int64_t rows) {
  const PackedLayout& l = plan.layout;
  codes.resize(std::size_t(rows * l.row_bytes));
  scales.resize(std::size_t(rows * l.groups_per_row));
  zeros.resize(plan.scheme.symmetric ? 0 : std::size_t(rows * l.groups_per_row));
}

BlockOutcome quantize_block(const KernelSet& kernels, const TensorInfo& tensor, const TensorPlan& plan,
                            const std::byte* data, int64_t rows, BlockBuffers& out, const CancelToken* cancel) {
  const PackedLayout& l = plan.layout;
  const int64_t cols = l.cols;
  const std::size_t in_row_bytes = tensor.row_bytes();
  const bool symmetric = plan.scheme.symmetric;
  // About 64 KiB of input per task: large enough to amortise scheduling, small enough to balance.
  const int64_t grain = std::max<int64_t>(1, int64_t(65536 / std::max<std::size_t>(1, in_row_bytes)));

  const gguf::TypeTraits* ggml = plan.scheme.is_ggml() ? gguf::find_type(gguf::GgmlType(plan.scheme.ggml_type)) : nullptr;
  std::mutex failure_mutex;
  BlockOutcome failure;
  std::atomic<bool> stop{false};

  ErrorSums sums = tbb::parallel_reduce(
      tbb::blocked_range<int64_t>(0, rows, grain), ErrorSums{},
      [&](const tbb::blocked_range<int64_t>& range, ErrorSums acc) {
        thread_local std::vector<float> row;
        row.resize(std::size_t(cols));
        for (int64_t r = range.begin(); r != range.end(); ++r) {
          if (stop.load(std::memory_order_relaxed)) break;
          if (cancel && cancel->cancelled()) {
            stop = true;
            break;
          }
          kernels.to_f32(tensor.dtype, data + std::size_t(r) * in_row_bytes, row.data(), cols);
          if (ggml) {
            const RowResult rr = encode_ggml_row(*ggml, row.data(), cols, out.codes.data() + r * l.row_bytes, acc);
            if (rr.status == RowStatus::Ok) continue;
            std::lock_guard lock(failure_mutex);
            if (failure.row < 0 || r < failure.row) failure.status = rr.status, failure.row = r, failure.col = rr.col;
            stop = true;
            break;
          }
          RowOutput o{out.codes.data() + r * l.row_bytes, out.scales.data() + r * l.groups_per_row,
                      symmetric ? nullptr : out.zeros.data() + r * l.groups_per_row};
          const RowResult rr = kernels.quantize_row(row.data(), cols, plan.scheme, o, acc);
          if (rr.status != RowStatus::Ok) {
            std::lock_guard lock(failure_mutex);
            if (failure.row < 0 || r < failure.row) {
              failure.status = rr.status;
              failure.row = r;
              failure.col = rr.col;
            }
            stop = true;
            break;
          }
        }
        return acc;
      },
      [](ErrorSums a, const ErrorSums& b) {
        a.merge(b);
        return a;
      });

  failure.sums = sums;
  failure.cancelled = failure.row < 0 && stop.load();
  return failure;
}

}  // namespace aq
