#include "calib/gptq.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "gguf/ggml_types.h"
#include "quant/bit_pack.h"
#include "tensor/half.h"

namespace aq {
namespace {

constexpr int64_t kColumnBlock = 128;  // columns per lazy update (the paper's B)
constexpr int kDampingRaises = 4;

// A group's parameters as the row kernel chose them, and as the codes are rounded with.
struct Group {
  uint16_t scale_h = 0, zero_h = 0;
  float scale = 0, inv = 0, zero = 0;
};

// Chooses a group's parameters with the ordinary row kernel (Search or MinMax, as the scheme
// says), treating the n values as one group.
RowResult choose_group(const KernelSet& kernels, const QuantScheme& scheme, const float* x, int64_t n, Group& g) {
  thread_local std::vector<uint8_t> scratch;
  scratch.resize(std::size_t(n));
  QuantScheme one = scheme;
  one.group_size = 0;
  ErrorSums unused;
  RowOutput o{scratch.data(), &g.scale_h, scheme.symmetric ? nullptr : &g.zero_h};
  const RowResult rr = kernels.quantize_row(x, n, one, o, unused);
  if (rr.status != RowStatus::Ok) return rr;
  g.scale = fp16_to_f32(g.scale_h);
  g.inv = 1.0f / g.scale;
  g.zero = scheme.symmetric ? float(1 << (scheme.bits - 1)) : fp16_to_f32(g.zero_h);
  return {};
}

// With J the reversal permutation: J H J = L L^T (the ordinary Cholesky factor), so
// H^-1 = (J L^-T J)(J L^-1 J) = U^T U with U = J L^-1 J, upper triangular: one factorisation and
// one triangular inverse, never H^-1 itself. Reversing a k x k array end to end is J . J, so both
// reversals are std::reverse. L^-1 is solved in column blocks on every thread.
bool inverse_upper_cholesky(const GptqMath& math, std::vector<float>& h, int64_t k) {
  std::reverse(h.begin(), h.end());
  if (!math.cholesky_in_place(h.data(), k)) return false;
  std::vector<float> inv(h.size(), 0.0f);
  constexpr int64_t kBlock = 256;
  tbb::parallel_for(int64_t(0), (k + kBlock - 1) / kBlock, [&](int64_t b) {
    math.lower_inverse_columns(h.data(), k, b * kBlock, std::min(k, (b + 1) * kBlock), inv.data());
  });
  std::reverse(inv.begin(), inv.end());
  h = std::move(inv);
  for (int64_t i = 0; i < k; ++i)
    if (!(h[std::size_t(i * k + i)] > 0.0f) || !std::isfinite(h[std::size_t(i * k + i)])) return false;
  return true;
}

}  // namespace

Result<GptqFactor> make_gptq_factor(std::vector<float> h, int64_t k, bool diagonal, const GptqOptions& options,
                                    const GptqMath& math, std::string& note) {
  GptqFactor f;
  f.k = k;
  double mean = 0;
  for (int64_t i = 0; i < k; ++i) mean += diagonal ? h[std::size_t(i)] : h[std::size_t(i * k + i)];
  mean /= double(std::max<int64_t>(k, 1));
  if (!(mean > 0) || !std::isfinite(mean))
    return make_error(ErrorKind::BadInput, "", "", "the calibration matrix is zero: its inputs carried no signal");
  // A column that never saw input (H_ii = 0) gets the mean: it is rounded, its error goes nowhere.
  f.diag.resize(std::size_t(k));
  for (int64_t i = 0; i < k; ++i) {
    float& d = diagonal ? h[std::size_t(i)] : h[std::size_t(i * k + i)];
    if (!(d > 0)) d = float(mean);
    f.diag[std::size_t(i)] = float(d / mean);  // relative importances: H = c I means all equal
  }
  if (diagonal || !options.compensate) return f;  // importances only: nothing propagates

  if (options.act_order) {
    f.order.resize(std::size_t(k));
    std::iota(f.order.begin(), f.order.end(), 0);
    std::stable_sort(f.order.begin(), f.order.end(),
                     [&](int32_t a, int32_t b) { return f.diag[std::size_t(a)] > f.diag[std::size_t(b)]; });
    std::vector<float> permuted(h.size());
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j)
        permuted[std::size_t(i * k + j)] = h[std::size_t(int64_t(f.order[std::size_t(i)]) * k + f.order[std::size_t(j)])];
    h = std::move(permuted);
  }
  double damping = options.damping;
  for (int attempt = 0; attempt <= kDampingRaises; ++attempt, damping *= 10) {
    f.u = h;
    const float add = float(damping * mean);
    for (int64_t i = 0; i < k; ++i) f.u[std::size_t(i * k + i)] += add;
    if (inverse_upper_cholesky(math, f.u, k)) {
      f.damping = damping;
      if (attempt > 0)
        note = "the calibration matrix is not positive definite: damping raised from " +
               std::to_string(options.damping * 100) + "% to " + std::to_string(damping * 100) + "% of its mean diagonal";
      return f;
    }
  }
  return make_error(ErrorKind::BadInput, "", "",
                    "the calibration matrix stays singular even with damping " + std::to_string(damping / 10 * 100) +
                        "% of its mean diagonal");
}

RowOutput RowBuffers::at(void* self, int64_t r) {
  const auto& b = *static_cast<RowBuffers*>(self);
  const int64_t row = b.first_row + r;
  const int64_t groups = b.layout->groups_per_row;
  return {b.codes + row * b.layout->row_bytes, b.scales + row * groups, b.zeros ? b.zeros + row * groups : nullptr};
}

RowResult gptq_quantize_chunk(const KernelSet& kernels, const GptqMath& math, const QuantScheme& scheme,
                              const GptqFactor& factor, const GptqChunk& chunk, int64_t* failed_row) {
  const int64_t k = factor.k, rows = chunk.rows;
  const gguf::TypeTraits* ggml = scheme.is_ggml() ? gguf::find_type(gguf::GgmlType(scheme.ggml_type)) : nullptr;
  const int64_t group = ggml ? ggml->block_size : (scheme.group_size <= 0 || scheme.group_size > k ? k : scheme.group_size);
  const int64_t groups = (k + group - 1) / group;
  const bool permuted = !factor.order.empty();
  const bool compensate = !factor.u.empty();
  auto column = [&](int64_t p) { return permuted ? int64_t(factor.order[std::size_t(p)]) : p; };
  auto fail = [&](int64_t r, RowResult rr) {
    *failed_row = r;
    return rr;
  };

  // Rows must be finite before anything is propagated, so the error names the original column.
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < k; ++c)
      if (!std::isfinite(chunk.w[r * k + c])) return fail(r, {RowStatus::NonFinite, c});

  std::vector<Group> params(std::size_t(ggml ? 0 : rows * groups));
  std::vector<uint8_t> codes(std::size_t(ggml ? 0 : rows * k));
  // Static groups (act-order): every group's parameters from the original weights, up front.
  if (permuted && !ggml)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t g = 0; g < groups; ++g) {
        const int64_t c0 = g * group, n = std::min(group, k - c0);
        const RowResult rr = choose_group(kernels, scheme, chunk.w + r * k + c0, n, params[std::size_t(r * groups + g)]);
        if (rr.status != RowStatus::Ok) return fail(r, {rr.status, c0 + rr.col});
      }

  // The working copy, in processing order.
  std::vector<float> reordered;
  float* w = chunk.w;
  if (permuted) {
    reordered.resize(std::size_t(rows * k));
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t p = 0; p < k; ++p) reordered[std::size_t(r * k + p)] = chunk.w[r * k + column(p)];
    w = reordered.data();
  }
  const float* u = factor.u.data();
  std::vector<float> err(std::size_t(rows * kColumnBlock));

  for (int64_t i1 = 0; i1 < k; i1 += kColumnBlock) {
    const int64_t i2 = std::min(k, i1 + kColumnBlock);
    for (int64_t p = i1; p < i2; ++p) {
      const int64_t c = column(p), g = c / group;
      for (int64_t r = 0; r < rows; ++r) {
        float* wr = w + r * k;
        float* qr = chunk.q + r * k;
        if (!permuted && c % group == 0) {  // a group's first column: its parameters, from the weights as they are now
          const int64_t n = std::min(group, k - c);
          RowOutput out = chunk.out(chunk.out_ctx, r);
          if (ggml) {
            for (int64_t j = 0; j < n; ++j)
              if (!std::isfinite(wr[c + j])) return fail(r, {RowStatus::NonFinite, c + j});
            uint8_t* block = out.codes + g * ggml->type_size;
            ggml->quantize(wr + c, n, block, factor.diag.data() + c);
            ggml->dequantize(block, n, qr + c);
            for (int64_t j = 0; j < n; ++j)
              if (!std::isfinite(qr[c + j])) return fail(r, {RowStatus::ScaleOverflow, c + j});
          } else {
            const RowResult rr = choose_group(kernels, scheme, wr + c, n, params[std::size_t(r * groups + g)]);
            if (rr.status != RowStatus::Ok) return fail(r, {rr.status, c + rr.col});
          }
        }
        const float v = wr[p];
        float q;
        if (ggml) {
          q = qr[c];
        } else {
          const Group& gp = params[std::size_t(r * groups + g)];
          const float top = float(scheme.max_code()) - gp.zero;
          const float steps = std::min(std::max(std::nearbyint(v * gp.inv), -gp.zero), top);
          codes[std::size_t(r * k + c)] = uint8_t(int(steps + gp.zero));
          q = steps * gp.scale;
          qr[c] = q;
        }
        if (!compensate) continue;
        const float e = (v - q) / u[p * k + p];
        err[std::size_t(r * kColumnBlock + (p - i1))] = e;
        const float* up = u + p * k;
        for (int64_t j = p + 1; j < i2; ++j) wr[j] -= e * up[j];
      }
    }
    if (compensate && i2 < k)
      math.subtract_product(w + i2, k, err.data(), kColumnBlock, u + i1 * k + i2, k, rows, k - i2, i2 - i1);
  }

  if (!ggml)
    for (int64_t r = 0; r < rows; ++r) {
      RowOutput out = chunk.out(chunk.out_ctx, r);
      pack_codes(codes.data() + r * k, k, scheme.bits, out.codes);
      for (int64_t g = 0; g < groups; ++g) {
        const Group& gp = params[std::size_t(r * groups + g)];
        out.scales[g] = gp.scale_h;
        if (out.zeros) out.zeros[g] = gp.zero_h;
      }
    }
  return {};
}

}  // namespace aq
