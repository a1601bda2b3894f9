// Accuracy benchmark.
//
//   aq_bench_accuracy --out accuracy.json [--model NAME=FILE ...] [--threads N] [--no-matrices]
//                     [--no-gguf] [--bits 2,3,4,8] [--groups 32,64,128,channel]
//
// 1. Test matrices (issue 4): a heavy-tailed one (Student-t, 4 degrees of freedom, scaled to std
//    0.02, plus 0.1% outliers at 20 standard deviations, 1152 x 4608) and a Gaussian one (std 0.02,
//    4096 x 11008), quantized from fp32 with every scheme (INT2/3/4/8 x group 32/64/128/per-channel
//    x asymmetric/symmetric x min-max/search) by the engine's row kernels. SQNR, cosine and the
//    effective bits per weight (codes + fp16 scales + fp16 zeros) of each.
// 2. Models: every model given is quantized in process through run_job (the engine's job API, no
//    output written) at INT2/3/4/8 x group 32/64/128/per-channel x min-max/search, asymmetric, with
//    the default plan rules. Per-layer SQNR and cosine of every quantized tensor are recorded.
// 3. GGUF (issue 8): every quantized ggml type our encoders write, on the same two matrices rounded
//    to fp16 (the inputs of ggml's reference figures), encoded and decoded by the type table's
//    codecs on ONE thread (Mparam/s per thread); and the first model given, through run_job with
//    that type (default plan rules), for its whole-model SQNR, bits per weight and wall time.
#include <tbb/blocked_range.h>
#include <tbb/combinable.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_io.h"
#include "common/test_matrix.h"
#include "gguf/ggml_types.h"
#include "job/job.h"
#include "quant/kernels.h"
#include "quant/scheme.h"
#include "quant/scheme_traits.h"
#include "report/run_report.h"

using nlohmann::json;

namespace {

std::vector<int> all_bits() {
  std::vector<int> out;
  for (const auto& t : aq::scheme_table()) out.push_back(t.bits);
  return out;
}

std::vector<int> kBits = all_bits();
std::vector<int> kGroups = {32, 64, 128, 0};
const aq::Method kMethods[] = {aq::Method::MinMax, aq::Method::Search};

std::vector<int> parse_ints(const std::string& s) {
  std::vector<int> v;
  std::size_t p = 0;
  while (p <= s.size()) {
    const std::size_t q = std::min(s.find(',', p), s.size());
    const std::string x = s.substr(p, q - p);
    v.push_back(x == "channel" ? 0 : std::stoi(x));
    p = q + 1;
  }
  return v;
}

std::string scheme_key(const aq::QuantScheme& s) {
  std::string k = "INT";
  k += std::to_string(s.bits);
  k += s.group_size ? " g" : " channel";
  if (s.group_size) k += std::to_string(s.group_size);
  k += s.symmetric ? " sym " : " asym ";
  k += aq::method_name(s.method);
  return k;
}

json matrix_results(const std::string& name, const std::string& description, const std::vector<float>& x,
                    int64_t rows, int64_t cols) {
  const aq::KernelSet& k = aq::best_kernels();
  json results = json::array();
  for (int bits : kBits)
    for (int group : kGroups)
      for (bool sym : {false, true})
        for (aq::Method m : kMethods) {
          const aq::QuantScheme s{bits, group, sym, m};
          const aq::PackedLayout l = aq::packed_layout(rows, cols, s);
          tbb::combinable<aq::ErrorSums> partial;
          const auto t0 = std::chrono::steady_clock::now();
          tbb::parallel_for(tbb::blocked_range<int64_t>(0, rows, 16), [&](const tbb::blocked_range<int64_t>& r) {
            std::vector<uint8_t> codes(std::size_t(l.row_bytes));
            std::vector<uint16_t> scales(std::size_t(l.groups_per_row)), zeros(std::size_t(l.groups_per_row));
            aq::ErrorSums& sums = partial.local();
            for (int64_t i = r.begin(); i != r.end(); ++i)
              k.quantize_row(x.data() + i * cols, cols, s, {codes.data(), scales.data(), sym ? nullptr : zeros.data()},
                             sums);
          });
          const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          aq::ErrorSums total;
          partial.combine_each([&](const aq::ErrorSums& e) { total.merge(e); });
          const aq::TensorMetrics mt = aq::metrics_from(total);
          results.push_back({{"scheme", scheme_key(s)}, {"bits", bits}, {"group_size", group}, {"symmetric", sym},
                             {"method", std::string(aq::method_name(m))},
                             {"bits_per_weight", 8.0 * double(l.total_bytes()) / double(rows * cols)},
                             {"sqnr_db", aq::json_number(mt.sqnr_db)}, {"cosine", aq::json_number(mt.cosine)},
                             {"rel_error", aq::json_number(mt.rel_fro_error)}, {"seconds", secs}});
          std::fprintf(stderr, "[accuracy] %-9s %-28s %5.3f bpw  SQNR %6.2f dB\n", name.c_str(), scheme_key(s).c_str(),
                       8.0 * double(l.total_bytes()) / double(rows * cols), mt.sqnr_db);
        }
  return {{"name", name}, {"description", description}, {"rows", rows}, {"cols", cols}, {"kernels", k.name},
          {"results", results}};
}

json model_results(const std::string& name, const std::string& path, int threads) {
  json runs = json::array();
  json layer_names, layer_params;  // of the first run; column-wise per-layer figures refer to them
  for (int bits : kBits)
    for (int group : kGroups)
      for (aq::Method m : kMethods) {
        aq::JobConfig cfg;
        cfg.input = path;
        cfg.plan.scheme = aq::QuantScheme{bits, group, false, m};
        cfg.mode = aq::Mode::Streaming;
        cfg.threads = threads;
        aq::JobObserver observer;
        aq::CancelToken cancel;
        const aq::JobResult r = aq::run_job(cfg, observer, cancel);
        if (r.status != aq::JobStatus::Succeeded) {
          std::cerr << "[accuracy] " << name << ": " << r.error.message() << "\n";
          runs.push_back({{"scheme", scheme_key(cfg.plan.scheme)}, {"error", r.error.message()}});
          continue;
        }
        json names = json::array(), params = json::array(), sqnr = json::array(), cosine = json::array();
        uint64_t q_out = 0;
        for (const auto& t : r.tensors) {
          if (!t.quantized()) continue;
          q_out += t.output_bytes;
          names.push_back(t.name);
          params.push_back(t.params);
          sqnr.push_back(aq::json_number(t.metrics.sqnr_db));
          cosine.push_back(aq::json_number(t.metrics.cosine));
        }
        const aq::TensorMetrics total = aq::metrics_from(r.quantized_error_sums);
        const double q_bpw = r.quantized_params ? 8.0 * double(q_out) / double(r.quantized_params) : 0;
        json run = {{"scheme", scheme_key(cfg.plan.scheme)}, {"bits", bits}, {"group_size", group},
                    {"symmetric", false}, {"method", std::string(aq::method_name(m))},
                    {"params", r.params}, {"quantized_params", r.quantized_params},
                    {"model_bits_per_weight", r.bits_per_weight()}, {"quantized_bits_per_weight", q_bpw},
                    {"sqnr_db", aq::json_number(total.sqnr_db)}, {"cosine", aq::json_number(total.cosine)},
                    {"wall_s", r.wall_s}, {"layer_sqnr_db", sqnr}, {"layer_cosine", cosine}};
        if (layer_names.is_null()) {
          layer_names = names;
          layer_params = params;
        } else if (names != layer_names) {  // a plan that quantized other tensors keeps its own list
          run["layer_names"] = names;
          run["layer_params"] = params;
        }
        runs.push_back(run);
        std::fprintf(stderr, "[accuracy] %-9s %-28s %5.3f bpw  SQNR %6.2f dB  (%.2f s)\n", name.c_str(),
                     scheme_key(cfg.plan.scheme).c_str(), q_bpw, total.sqnr_db, r.wall_s);
      }
  return {{"name", name}, {"path", path}, {"layer_names", layer_names}, {"layer_params", layer_params}, {"runs", runs}};
}

// SQNR of a decoded copy against its input, in double (the sums of metrics/error_sums).
double sqnr_db(const std::vector<float>& x, const std::vector<float>& y) {
  double signal = 0, noise = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    signal += double(x[i]) * x[i];
    noise += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
  }
  return noise > 0 ? 10.0 * std::log10(signal / noise) : INFINITY;
}

json gguf_matrix_results(const std::string& name, const std::vector<float>& x32, int64_t rows, int64_t cols) {
  const std::vector<float> x = aqb::from_fp16(aqb::to_fp16(x32));
  json results = json::array();
  for (const auto& t : aq::gguf::ggml_types()) {
    if (!t.quantized || !t.quantize || cols % t.block_size) continue;
    const uint64_t row_bytes = aq::gguf::row_bytes(t, cols);
    std::vector<std::byte> blocks(row_bytes * uint64_t(rows));
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t r = 0; r < rows; ++r) t.quantize(x.data() + r * cols, cols, blocks.data() + uint64_t(r) * row_bytes, nullptr);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<float> y(x.size());
    for (int64_t r = 0; r < rows; ++r) t.dequantize(blocks.data() + uint64_t(r) * row_bytes, cols, y.data() + r * cols);
    const double db = sqnr_db(x, y);
    const double mps = double(rows * cols) / secs / 1e6;
    results.push_back({{"type", std::string(t.name)}, {"bits_per_weight", 8.0 * double(t.type_size) / t.block_size},
                       {"sqnr_db", aq::json_number(db)}, {"seconds_one_thread", secs}, {"mparam_per_s_per_thread", mps}});
    std::fprintf(stderr, "[accuracy] gguf %-12s %-5s SQNR %6.2f dB  %6.2f Mparam/s on one thread\n", name.c_str(),
                 std::string(t.name).c_str(), db, mps);
  }
  return {{"name", name}, {"rows", rows}, {"cols", cols}, {"input", "fp32 rounded to fp16"}, {"results", results}};
}

json gguf_model_results(const std::string& name, const std::string& path, int threads) {
  json runs = json::array();
  for (const auto& t : aq::gguf::ggml_types()) {
    if (!t.quantized || !t.quantize) continue;
    aq::JobConfig cfg;
    cfg.input = path;
    cfg.plan.scheme.ggml_type = int(t.type);
    cfg.threads = threads;
    aq::JobObserver observer;
    aq::CancelToken cancel;
    const aq::JobResult r = aq::run_job(cfg, observer, cancel);
    if (r.status != aq::JobStatus::Succeeded) {
      runs.push_back({{"type", std::string(t.name)}, {"error", r.error.message()}});
      continue;
    }
    uint64_t q_out = 0;
    int64_t as_requested = 0;  // params stored in the type asked for (the rest fell back)
    for (const auto& tr : r.tensors)
      if (tr.quantized()) {
        q_out += tr.output_bytes;
        if (tr.scheme.ggml_type == int(t.type)) as_requested += tr.params;
      }
    const aq::TensorMetrics total = aq::metrics_from(r.quantized_error_sums);
    runs.push_back({{"type", std::string(t.name)}, {"model_bits_per_weight", r.bits_per_weight()},
                    {"quantized_bits_per_weight", r.quantized_params ? 8.0 * double(q_out) / double(r.quantized_params) : 0},
                    {"sqnr_db", aq::json_number(total.sqnr_db)}, {"params", r.params},
                    {"quantized_params", r.quantized_params}, {"params_in_type", as_requested}, {"wall_s", r.wall_s}, {"threads", aq::resolve_threads(threads)}});
    std::fprintf(stderr, "[accuracy] gguf %-9s %-5s SQNR %6.2f dB  (%.2f s)\n", name.c_str(), std::string(t.name).c_str(),
                 total.sqnr_db, r.wall_s);
  }
  return {{"name", name}, {"path", path}, {"runs", runs}};
}

int usage() {
  std::cerr << "usage: aq_bench_accuracy --out FILE [--model NAME=FILE ...] [--threads N] [--no-matrices]\n"
               "                         [--no-gguf] [--bits 2,3,4,8] [--groups 32,64,128,channel]\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  std::vector<std::pair<std::string, std::string>> models;
  int threads = 0;
  bool matrices = true;
  bool gguf = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--out") out = next();
    else if (a == "--threads") threads = std::stoi(next());
    else if (a == "--no-matrices") matrices = false;
    else if (a == "--no-gguf") gguf = false;
    else if (a == "--bits") kBits = parse_ints(next());
    else if (a == "--groups") kGroups = parse_ints(next());
    else if (a == "--model") {
      const std::string v = next();
      const auto eq = v.find('=');
      if (eq == std::string::npos) return usage();
      models.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else {
      return usage();
    }
  }
  if (out.empty()) return usage();
  tbb::task_arena arena(aq::resolve_threads(threads));
  json doc = {{"started", aqb::iso_now()}, {"kernels", aq::best_kernels().name}};
  arena.execute([&] {
    if (matrices) {
      json m = json::array();
      const auto heavy = aqb::heavy_tailed_matrix(1152, 4608, 0.02f, 0.001, 20.0f, 7);
      const auto gauss = aqb::gaussian_matrix(4096, 11008, 0.02f, 11);
      if (gguf) {
        json g = json::array();
        g.push_back(gguf_matrix_results("gaussian", gauss, 4096, 11008));
        g.push_back(gguf_matrix_results("heavy-tailed", heavy, 1152, 4608));
        doc["gguf_matrices"] = g;
      }
      m.push_back(matrix_results("heavy-tailed",
                                 "Student-t (4 degrees of freedom) scaled to std 0.02, plus 0.1% outliers at 20 "
                                 "standard deviations, 1152 x 4608, fp32",
                                 heavy, 1152, 4608));
      m.push_back(matrix_results("gaussian", "Normal, std 0.02, 4096 x 11008, fp32", gauss, 4096, 11008));
      doc["matrices"] = m;
    }
    json ms = json::array();
    for (const auto& [name, path] : models) ms.push_back(model_results(name, path, threads));
    doc["models"] = ms;
    if (gguf && !models.empty()) doc["gguf_model"] = gguf_model_results(models[0].first, models[0].second, threads);
  });
  doc["finished"] = aqb::iso_now();
  return aqb::write_json_file(out, doc) ? 0 : 3;
}
