// Speed of calibrated quantization (issue 9), in one run so the ratios hold on a noisy machine:
//  - BM_EigenGemm: the rate of the GEMM behind the compensation (GptqMath::subtract_product, the
//    same Eigen build) on a 1024^3 product: the machine's roof for this step;
//  - BM_GptqLayer: gptq_quantize_chunk over 256 rows of a DiT-XL/2 layer shape (k = 1152 for
//    qkv/proj/fc1/adaLN, 4608 for fc2), INT4 g64 search, chunks in parallel as the job runs them;
//    counter GFLOP/s counts the compensation's multiply-adds, rows * k * (k + 128) * 2;
//  - BM_GptqFactor: make_gptq_factor (damping, Cholesky, triangular inverse) for the same k.
//   build/bin/aq_bench_gptq [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <tbb/parallel_for.h>

#include <vector>

#include "calib/gptq.h"
#include "common/test_matrix.h"
#include "calib/gptq_math.h"
#include "quant/kernels.h"
#include "quant/scheme.h"

namespace {

// A well-conditioned synthetic H: A A^T / m + I/10 with A [k x m].
std::vector<float> synthetic_hessian(int64_t k) {
  const int64_t m = k / 4;
  const auto a = aqb::gaussian_matrix(k, m, 1.0f, 7);
  std::vector<float> h(std::size_t(k * k), 0.0f);
  std::vector<float> at(std::size_t(m * k));
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < m; ++j) at[std::size_t(j * k + i)] = a[std::size_t(i * m + j)];
  // h -= (-A) (A^T): the one product GptqMath offers.
  std::vector<float> neg(a);
  for (float& x : neg) x = -x / float(m);
  aq::best_gptq_math().subtract_product(h.data(), k, neg.data(), m, at.data(), k, k, k, m);
  for (int64_t i = 0; i < k; ++i) h[std::size_t(i * k + i)] += 0.1f;
  return h;
}

void BM_EigenGemm(benchmark::State& state) {
  const int64_t n = 1024;
  const auto a = aqb::gaussian_matrix(n, n, 1.0f, 1), b = aqb::gaussian_matrix(n, n, 1.0f, 2);
  std::vector<float> c(std::size_t(n * n), 0.0f);
  const auto& math = aq::best_gptq_math();
  for (auto _ : state) {
    math.subtract_product(c.data(), n, a.data(), n, b.data(), n, n, n, n);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
  state.SetLabel(math.name);
}

void BM_GptqLayer(benchmark::State& state) {
  const int64_t k = state.range(0), rows = 256;
  aq::QuantScheme scheme;  // INT4 g64 asym search
  std::string note;
  auto factor = aq::make_gptq_factor(synthetic_hessian(k), k, false, {}, aq::best_gptq_math(), note);
  if (!factor) {
    state.SkipWithError(factor.error().reason.c_str());
    return;
  }
  const auto weights = aqb::gaussian_matrix(rows, k, 0.02f, 3);
  const aq::PackedLayout layout = aq::packed_layout(rows, k, scheme);
  std::vector<uint8_t> codes(std::size_t(rows * layout.row_bytes));
  std::vector<uint16_t> scales(std::size_t(rows * layout.groups_per_row)), zeros(scales.size());
  std::vector<float> w(weights.size()), q(weights.size());
  for (auto _ : state) {
    w = weights;
    tbb::parallel_for(int64_t(0), rows / aq::kGptqRowChunk, [&](int64_t c) {
      const int64_t r0 = c * aq::kGptqRowChunk;
      aq::RowBuffers out{codes.data(), scales.data(), zeros.data(), &layout, r0};
      aq::GptqChunk chunk{w.data() + r0 * k, q.data() + r0 * k, aq::kGptqRowChunk, &aq::RowBuffers::at, &out};
      int64_t failed = -1;
      benchmark::DoNotOptimize(aq::gptq_quantize_chunk(aq::best_kernels(), aq::best_gptq_math(), scheme, *factor, chunk, &failed));
    });
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * double(rows) * double(k) * double(k + 128),
                                                 benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  state.counters["Mparam/s"] = benchmark::Counter(double(rows * k), benchmark::Counter::kIsIterationInvariantRate,
                                                  benchmark::Counter::kIs1000);
}

void BM_GptqFactor(benchmark::State& state) {
  const int64_t k = state.range(0);
  const auto h = synthetic_hessian(k);
  for (auto _ : state) {
    std::string note;
    auto f = aq::make_gptq_factor(h, k, false, {}, aq::best_gptq_math(), note);
    benchmark::DoNotOptimize(f.ok());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 / 3.0 * double(k) * double(k) * double(k),
                                                 benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

BENCHMARK(BM_EigenGemm)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GptqLayer)->Arg(1152)->Arg(4608)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GptqFactor)->Arg(1152)->Arg(4608)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
