// Kernel and roof benchmarks (Google Benchmark), in one binary so the roof and the kernels are
// measured in the same run.
//
//   quantize/<kernels>/<dtype>/int<b>/g<N>|gch/<asym|sym>/<minmax|search>   (threads: 1 and all)
//       to_f32 + quantize_row over a 4096 x 4096 matrix, row by row, exactly the engine's inner
//       loop (core/job/block_quantizer.cpp without the scheduler). Input comes from a pool of
//       copies larger than twice the last-level cache, so every iteration reads cold memory as a
//       real model does. Error sums are computed (the engine always does).
//   convert/<kernels>/f16          to_f32 alone over the same cold pool
//   roof/read                      streaming read bandwidth over a 1 GiB buffer (AVX2 loads)
//   roof/f16_to_f32                F16C conversion of an L1-resident block (compute roof)
//
// Own flags (before Google Benchmark's): --aq_profile=smoke|quick|full (which cases are
// registered), --aq_pool_mib=N, --aq_read_mib=N, --aq_dump_matrix=FILE.npy (the fp16 input matrix,
// for bench/numpy_baseline.py).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/test_matrix.h"
#include "kernels/roof.h"
#include "quant/kernels.h"
#include "quant/scheme.h"
#include "quant/scheme_traits.h"

namespace {

using aq::DType;
using aq::KernelSet;
using aq::Method;
using aq::QuantScheme;

struct Options {
  std::string profile = "quick";
  int64_t rows = 4096, cols = 4096;
  int64_t pool_mib = 512;   // > 2x the 260 MiB L3 this was written on: cold reads
  int64_t read_mib = 1024;  // roof buffer
  std::string dump;
};
Options g_opt;

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<std::byte, AlignedFree>;

Buffer aligned_buffer(std::size_t bytes) {
  bytes = (bytes + 4095) / 4096 * 4096;
  return Buffer(static_cast<std::byte*>(std::aligned_alloc(4096, bytes)));
}

/// Copies of the input matrix laid end to end, at least pool_mib in total.
struct Pool {
  Buffer data;
  std::size_t matrix_bytes = 0;
  int copies = 0;
  const std::byte* copy(int64_t i) const { return data.get() + std::size_t(i % copies) * matrix_bytes; }
};

const std::vector<uint16_t>& base_matrix_f16() {
  static const std::vector<uint16_t> m = [] {
    // Heavy-tailed weights like a trained layer's (std 0.02, t4, 0.1% outliers at 20 sigma).
    return aqb::to_fp16(aqb::heavy_tailed_matrix(g_opt.rows, g_opt.cols, 0.02f, 0.001, 20.0f, 42));
  }();
  return m;
}

const Pool& pool(DType dt) {
  static std::once_flag once[2];
  static Pool pools[2];
  const int k = dt == DType::F16 ? 0 : 1;
  std::call_once(once[k], [&] {
    const auto& h = base_matrix_f16();
    Pool& p = pools[k];
    p.matrix_bytes = h.size() * (dt == DType::F16 ? 2 : 4);
    p.copies = int(std::max<int64_t>(2, (g_opt.pool_mib << 20) / int64_t(p.matrix_bytes)));
    p.data = aligned_buffer(p.matrix_bytes * std::size_t(p.copies));
    if (dt == DType::F16) {
      for (int c = 0; c < p.copies; ++c) std::memcpy(p.data.get() + std::size_t(c) * p.matrix_bytes, h.data(), p.matrix_bytes);
    } else {
      const auto f = aqb::from_fp16(h);  // same numbers as the fp16 input
      for (int c = 0; c < p.copies; ++c) std::memcpy(p.data.get() + std::size_t(c) * p.matrix_bytes, f.data(), p.matrix_bytes);
    }
  });
  return pools[k];
}

void bm_quantize(benchmark::State& st, const KernelSet* k, DType dt, QuantScheme s) {
  const Pool& p = pool(dt);
  const int64_t rows = g_opt.rows, cols = g_opt.cols;
  const std::size_t elem = dt == DType::F16 ? 2 : 4;
  const aq::PackedLayout l = aq::packed_layout(rows, cols, s);
  std::vector<uint8_t> codes(l.codes_bytes);
  std::vector<uint16_t> scales(std::size_t(rows * l.groups_per_row));
  std::vector<uint16_t> zeros(s.symmetric ? 0 : std::size_t(rows * l.groups_per_row));
  std::vector<float> row(static_cast<std::size_t>(cols));
  const int64_t tid = st.thread_index(), nt = st.threads();
  int64_t it = 0;
  aq::ErrorSums last;
  for (auto _ : st) {
    const std::byte* m = p.copy(it++ * nt + tid);
    aq::ErrorSums sums;
    for (int64_t r = 0; r < rows; ++r) {
      k->to_f32(dt, m + std::size_t(r * cols) * elem, row.data(), cols);
      aq::RowOutput o{codes.data() + r * l.row_bytes, scales.data() + r * l.groups_per_row,
                      s.symmetric ? nullptr : zeros.data() + r * l.groups_per_row};
      if (k->quantize_row(row.data(), cols, s, o, sums).status != aq::RowStatus::Ok) {
        st.SkipWithError("quantize_row failed");
        break;
      }
    }
    benchmark::DoNotOptimize(sums.sum_e2);
    benchmark::ClobberMemory();
    last = sums;
  }
  st.SetItemsProcessed(st.iterations() * rows * cols);
  st.SetBytesProcessed(st.iterations() * rows * cols * int64_t(elem));
  st.counters["sqnr_db"] = benchmark::Counter(aq::metrics_from(last).sqnr_db, benchmark::Counter::kAvgThreads);
  st.counters["bpw"] = benchmark::Counter(8.0 * double(l.total_bytes()) / double(rows * cols),
                                          benchmark::Counter::kAvgThreads);
}

void bm_convert(benchmark::State& st, const KernelSet* k) {
  const Pool& p = pool(DType::F16);
  const int64_t rows = g_opt.rows, cols = g_opt.cols;
  std::vector<float> row(static_cast<std::size_t>(cols));
  const int64_t tid = st.thread_index(), nt = st.threads();
  int64_t it = 0;
  for (auto _ : st) {
    const std::byte* m = p.copy(it++ * nt + tid);
    for (int64_t r = 0; r < rows; ++r) {
      k->to_f32(DType::F16, m + std::size_t(r * cols) * 2, row.data(), cols);
      benchmark::DoNotOptimize(row.data());
    }
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * rows * cols);
  st.SetBytesProcessed(st.iterations() * rows * cols * 2);
}

const std::byte* read_buffer(std::size_t& bytes) {
  static std::once_flag once;
  static Buffer buf;
  static std::size_t size = 0;
  std::call_once(once, [] {
    size = std::size_t(g_opt.read_mib) << 20;
    buf = aligned_buffer(size);
    for (std::size_t i = 0; i < size; i += 8) {  // real pages with non-zero data, not the zero page
      const uint64_t v = i * 0x9e3779b97f4a7c15ull;
      std::memcpy(buf.get() + i, &v, 8);
    }
  });
  bytes = size;
  return buf.get();
}

void bm_read(benchmark::State& st) {
  std::size_t total = 0;
  const std::byte* b = read_buffer(total);
  // Each thread streams its own slice; together they read the whole buffer once per iteration.
  const std::size_t slice = total / std::size_t(st.threads()) / 4096 * 4096;
  const std::byte* mine = b + slice * std::size_t(st.thread_index());
  const bool avx2 = aq::avx2_kernels() != nullptr;
  for (auto _ : st) {
    const uint64_t s = avx2 ? aqb::read_stream_avx2(mine, slice) : aqb::read_stream_scalar(mine, slice);
    benchmark::DoNotOptimize(s);
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(slice));
  st.SetItemsProcessed(int64_t(st.iterations()) * int64_t(slice / 2));  // fp16 parameters
}

void bm_f16c(benchmark::State& st) {
  constexpr std::size_t n = 8192;  // 16 KiB in, 32 KiB out: stays in L1/L2
  std::vector<uint16_t> src(n);
  std::vector<float> dst(n);
  for (std::size_t i = 0; i < n; ++i) src[i] = uint16_t(0x2000 + (i * 7) % 0x3000);
  for (auto _ : st) {
    aqb::f16_to_f32_f16c(src.data(), dst.data(), n);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(n * 2));
  st.SetItemsProcessed(int64_t(st.iterations()) * int64_t(n));
}

std::string group_text(int g) {
  std::string s = "g";
  s += g == 0 ? std::string("ch") : std::to_string(g);
  return s;
}

struct Case {
  const KernelSet* k;
  DType dt;
  QuantScheme s;
  int threads;
};

std::string case_name(const Case& c) {
  return std::string("quantize/") + c.k->name + "/" + (c.dt == DType::F16 ? "f16" : "f32") + "/int" +
         std::to_string(c.s.bits) + "/" + group_text(c.s.group_size) + "/" + (c.s.symmetric ? "sym" : "asym") +
         "/" + std::string(aq::method_name(c.s.method));
}

/// Which cases a profile measures. full: the whole grid; quick: the grid for AVX2 on fp16 at one
/// thread plus the slices every goal and comparison needs; smoke: a few, on a tiny matrix.
std::vector<Case> cases(const std::string& profile, int all_threads) {
  std::vector<const KernelSet*> kernels{&aq::scalar_kernels()};
  if (const KernelSet* a = aq::avx2_kernels()) kernels.push_back(a);
  const KernelSet* best = kernels.back();
  std::vector<int> threads{1};
  if (all_threads > 1) threads.push_back(all_threads);
  std::vector<int> bits_all;
  for (const auto& t : aq::scheme_table()) bits_all.push_back(t.bits);
  const int groups_all[] = {32, 64, 128, 0};
  const Method methods[] = {Method::MinMax, Method::Search};
  std::vector<Case> out;
  auto add = [&](const KernelSet* k, DType dt, int bits, int group, bool sym, Method m, int t) {
    Case c{k, dt, QuantScheme{bits, group, sym, m}, t};
    for (const auto& o : out)
      if (o.k == c.k && o.dt == c.dt && o.s == c.s && o.threads == c.threads) return;
    out.push_back(c);
  };
  if (profile == "smoke") {
    for (const KernelSet* k : kernels) add(k, DType::F16, 4, 64, false, Method::MinMax, 1);
    add(best, DType::F16, 8, 0, true, Method::Search, 1);
    return out;
  }
  if (profile == "full") {
    for (const KernelSet* k : kernels)
      for (DType dt : {DType::F16, DType::F32})
        for (int b : bits_all)
          for (int g : groups_all)
            for (bool sym : {false, true})
              for (Method m : methods)
                for (int t : threads) add(k, dt, b, g, sym, m, t);
    return out;
  }
  // quick
  for (int b : bits_all)
    for (int g : groups_all)
      for (Method m : methods) add(best, DType::F16, b, g, false, m, 1);
  for (const KernelSet* k : kernels)
    for (int b : bits_all)
      for (Method m : methods) {
        add(k, DType::F16, b, 64, false, m, 1);
        add(k, DType::F16, b, 64, true, m, 1);
      }
  for (const KernelSet* k : kernels)
    for (int b : {4, 8})
      for (Method m : methods)
        for (int t : threads) {
          add(k, DType::F16, b, 64, false, m, t);
          add(k, DType::F32, b, 64, false, m, t);
        }
  return out;
}

void write_npy_f16(const std::string& path, int64_t rows, int64_t cols, const std::vector<uint16_t>& data) {
  std::string header = "{'descr': '<f2', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                       std::to_string(cols) + "), }";
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const uint16_t len = uint16_t(header.size());
  out.write(reinterpret_cast<const char*>(&len), 2);
  out << header;
  out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size() * 2));
  if (!out) std::fprintf(stderr, "cannot write %s\n", path.c_str());
}

bool take_flag(const char* arg, const char* name, std::string& value) {
  const std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  value = arg + n + 1;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string v;
    if (take_flag(argv[i], "--aq_profile", v)) g_opt.profile = v;
    else if (take_flag(argv[i], "--aq_pool_mib", v)) g_opt.pool_mib = std::atoll(v.c_str());
    else if (take_flag(argv[i], "--aq_read_mib", v)) g_opt.read_mib = std::atoll(v.c_str());
    else if (take_flag(argv[i], "--aq_dump_matrix", v)) g_opt.dump = v;
    else rest.push_back(argv[i]);
  }
  if (g_opt.profile != "smoke" && g_opt.profile != "quick" && g_opt.profile != "full") {
    std::fprintf(stderr, "--aq_profile must be smoke, quick or full\n");
    return 1;
  }
  if (g_opt.profile == "smoke") {
    g_opt.rows = 64;
    g_opt.cols = 1024;
    g_opt.pool_mib = std::min<int64_t>(g_opt.pool_mib, 1);
    g_opt.read_mib = std::min<int64_t>(g_opt.read_mib, 8);
  }
  if (!g_opt.dump.empty()) write_npy_f16(g_opt.dump, g_opt.rows, g_opt.cols, base_matrix_f16());

  const int all = std::max(1, int(std::thread::hardware_concurrency()));
  std::vector<int> threads{1};
  if (all > 1) threads.push_back(all);

  for (int t : threads) benchmark::RegisterBenchmark("roof/read", bm_read)->Threads(t)->UseRealTime();
  if (aq::avx2_kernels())
    for (int t : threads) benchmark::RegisterBenchmark("roof/f16_to_f32", bm_f16c)->Threads(t)->UseRealTime();
  std::vector<const KernelSet*> kernels{&aq::scalar_kernels()};
  if (const KernelSet* a = aq::avx2_kernels()) kernels.push_back(a);
  for (const KernelSet* k : kernels)
    for (int t : threads)
      benchmark::RegisterBenchmark((std::string("convert/") + k->name + "/f16").c_str(), bm_convert, k)
          ->Threads(t)
          ->UseRealTime();
  for (const Case& c : cases(g_opt.profile, all))
    benchmark::RegisterBenchmark(case_name(c).c_str(), bm_quantize, c.k, c.dt, c.s)->Threads(c.threads)->UseRealTime();

  benchmark::AddCustomContext("aq_profile", g_opt.profile);
  benchmark::AddCustomContext("aq_matrix", std::to_string(g_opt.rows) + "x" + std::to_string(g_opt.cols));
  benchmark::AddCustomContext("aq_matrix_data", "Student-t(4), std 0.02, 0.1% outliers at 20 std, stored as fp16");
  benchmark::AddCustomContext("aq_pool_mib", std::to_string(g_opt.pool_mib));
  benchmark::AddCustomContext("aq_read_mib", std::to_string(g_opt.read_mib));
  benchmark::AddCustomContext("aq_avx2", aq::avx2_kernels() ? "yes" : "no");

  int n = int(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
