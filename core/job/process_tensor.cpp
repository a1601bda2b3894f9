#include <algorithm>
#include <chrono>
#include <string>

#include "job/block_quantizer.h"
#include "job/calibrated_tensor.h"
#include "job/job_context.h"
#include "tensor/tensor_info.h"

namespace aq {
namespace {

Error row_error(const JobContext& ctx, const TensorInfo& t, const BlockOutcome& o, int64_t row0) {
  const std::string where = " at row " + std::to_string(row0 + o.row) + ", column " + std::to_string(o.col);
  std::string reason;
  if (o.status == RowStatus::NonFinite)
    reason = "non-finite weight (NaN or Inf)" + where +
             "; the file is probably corrupt. To carry this tensor over unchanged, use --keep '" + t.name + "'";
  else
    reason = "weights too large for fp16 scales" + where + " (a scale would exceed 65504); keep it in float with --keep '" +
             t.name + "'";
  return make_error(ErrorKind::BadInput, ctx.source->path().string(), t.name, reason);
}

}  // namespace

void process_tensor(JobContext& ctx, std::size_t index, int64_t block_rows, bool release) {
  const auto start = std::chrono::steady_clock::now();
  const TensorInfo& t = ctx.source->tensors()[index];
  const TensorPlan& p = ctx.plan.tensors[index];
  const int64_t rows = t.rows();
  const bool has_data = t.numel() > 0;
  std::optional<CalibratedTensor> cal;
  if (ctx.calibration && p.quantized() && has_data) {
    auto prepared = prepare_calibrated(ctx, t, p);
    if (!prepared) return ctx.fail(prepared.error());
    cal = std::move(*prepared);
  }
  // Calibrated blocks start at multiples of the GPTQ row chunk: streaming and batch then compute
  // the same chunks, and write the same bytes.
  if (cal && block_rows > 0) block_rows = std::max(kGptqRowChunk, block_rows / kGptqRowChunk * kGptqRowChunk);
  const int64_t block = block_rows > 0 ? block_rows : std::max<int64_t>(rows, 1);

  BlockBuffers buffers;
  std::vector<std::byte> scratch;
  ErrorSums sums;
  for (int64_t r0 = 0; has_data && r0 < rows; r0 += block) {
    if (ctx.cancel.cancelled()) return ctx.fail(make_error(ErrorKind::Cancelled, "", t.name, "cancelled by the user"));
    if (ctx.failed()) return;
    const int64_t r1 = std::min(rows, r0 + block);
    auto data = ctx.source->read_rows(index, r0, r1, scratch);
    if (!data) return ctx.fail(data.error());

    BlockData out;
    if (p.quantized()) {
      buffers.resize_for(p, r1 - r0);
      const BlockOutcome o = cal ? quantize_block_calibrated(ctx, t, p, *cal, *data, r1 - r0, buffers)
                                 : quantize_block(ctx.kernels, t, p, *data, r1 - r0, buffers, &ctx.cancel);
      if (o.cancelled) return ctx.fail(make_error(ErrorKind::Cancelled, "", t.name, "cancelled by the user"));
      if (o.status != RowStatus::Ok) return ctx.fail(row_error(ctx, t, o, r0));
      sums.merge(o.sums);
      out.codes = buffers.codes.data();
      out.scales = buffers.scales.data();
      out.zeros = p.scheme.symmetric ? nullptr : buffers.zeros.data();
    } else {
      out.raw = *data;
    }
    Status written = ctx.writer ? ctx.writer->write_block(index, r0, r1, out) : Status();
    // An input that shrank under us reads as zeros (and a write from it fails): blame the input.
    if (auto s = ctx.source->check_read(index); !s) return ctx.fail(s.error());
    if (!written) return ctx.fail(written.error());
    if (release) ctx.source->release_rows(index, r0, r1);
    ctx.advance(uint64_t(r1 - r0) * t.row_bytes(), t.name, false);
  }

  TensorResult r;
  r.index = index;
  r.name = t.name;
  r.dtype = std::string(dtype_name(t.dtype));
  r.shape = t.shape;
  r.decision = p.decision;
  r.reason = p.reason;
  r.scheme = p.scheme;
  r.input_bytes = p.input_bytes;
  r.output_bytes = p.output_bytes;
  r.params = t.numel();
  r.bits_per_weight = r.params ? 8.0 * double(r.output_bytes) / double(r.params) : 0;
  if (p.quantized()) {
    r.metrics = metrics_from(sums);
    r.error_sums = sums;
  }
  if (cal) {
    auto e = measure_output_error(ctx, t, *cal);
    if (!e) return ctx.fail(e.error());
    r.output_error = std::move(*e);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.mb_per_s = r.seconds > 0 ? double(r.input_bytes) / 1e6 / r.seconds : 0;
  ctx.advance(0, t.name, true);
  ctx.tensor_done(std::move(r));
}

}  // namespace aq
