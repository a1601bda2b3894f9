// "Calibrated quantization: speed and memory". Every figure is read from the raw files; a missing
// file makes the section say what did not run and how to run it.
#include "report/section_calibration.h"

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "common/json_io.h"
#include "report/goal_targets.h"
#include "report/report_text.h"

namespace aqb {
namespace {

using nlohmann::json;


json load(const std::filesystem::path& file) {
  auto j = read_json_file(file);
  return j && j->is_object() ? *j : json::object();
}

// A Google Benchmark case by name prefix ("BM_GptqLayer/1152/"): its median aggregate when there
// were repetitions, else the single run.
const json* case_of(const json& gb, const std::string& prefix) {
  const json* single = nullptr;
  for (const auto& b : arr(gb, "benchmarks")) {
    const std::string name = str(b, "name");
    if (name.rfind(prefix, 0) != 0) continue;
    if (str(b, "aggregate_name") == "median") return &b;
    if (!b.contains("aggregate_name") && !single) single = &b;
  }
  return single;
}

const json* run_of(const json& cal, const std::string& which) {
  for (const auto& r : arr(cal, "runs"))
    if (str(r, "run") == which) return &r;
  return nullptr;
}

std::string whole_mib(double bytes) { return fmt(bytes / (1024.0 * 1024.0), 0) + " MiB"; }

}  // namespace

void add_calibration_goals(const std::filesystem::path& raw, std::vector<Goal>& goals) {
  const json cal = load(raw / "calibration.json");
  const std::string model = str(cal, "model");
  const json* streaming = run_of(cal, "streaming");
  Goal time{"Calibrated quantization of a DiT-XL/2-shaped model (675M) on 2 threads",
            "<= " + fmt(goal::kCalibratedXl2Seconds, 0) + " s", "", "bench.sh calibration step, /usr/bin/time"};
  if (model == "dit-xl2" && streaming) {
    const double s = num(*streaming, "seconds");
    time.measured = fmt(s, 1) + " s streaming (" + std::to_string(int(num(cal, "threads", 0))) + " threads)";
    time.status = s <= goal::kCalibratedXl2Seconds ? Status::Met : Status::NotMet;
  } else {
    time.measured = model.empty() ? "not run" : "run on " + model + " (the DiT-XL/2 shape needs --full)";
  }
  Goal same{"Calibrated streaming and batch outputs byte-identical", "identical", "not run",
             "bench.sh calibration step, cmp"};
  if (cal.contains("streaming_and_batch_identical")) {
    const bool identical = cal.value("streaming_and_batch_identical", false);
    same.measured = std::string(identical ? "identical" : "DIFFERENT") + " (" + model + ")";
    same.status = identical ? Status::Met : Status::NotMet;
  }
  goals.push_back(time);
  goals.push_back(same);
}

aq::ReportSection calibration_section(const std::filesystem::path& raw) {
  aq::ReportSection s;
  s.heading = "Calibrated quantization: speed and memory";
  const json gb = load(raw / "gptq.json");
  const json cal = load(raw / "calibration.json");

  const json* gemm = case_of(gb, "BM_EigenGemm/");
  if (!gemm) {
    s.paragraphs.push_back("aq_bench_gptq did not run (RAW/gptq.json is absent): bash scripts/bench.sh runs it.");
  } else {
    const double gemm_rate = num(*gemm, "GFLOP/s") / 1e9;
    const int threads = int(num(gb.value("context", json::object()), "num_cpus", 1));
    s.paragraphs.push_back(
        "The compensation (GPTQ, docs/CALIBRATION.md) is dense linear algebra, so its roof is the machine's GEMM rate: "
        "aq_bench_gptq measures Eigen's own single-threaded GEMM (1024^3, the product GptqMath uses, kernels '" +
        str(*gemm, "label", "?") + "') in the same process as GPTQ over 256 rows of each DiT-XL/2 layer width "
        "(INT4 g64 search, row chunks in parallel on all " + std::to_string(threads) +
        " threads, as the job runs them) and the factorisation (damping, Cholesky, triangular inverse). GFLOP/s "
        "count the compensation's multiply-adds, rows * k * (k + 128) * 2, and k^3 / 3 * 2 for the factor. Medians "
        "of Google Benchmark repetitions.");
    aq::ReportTable t;
    t.title = "The compensation against Eigen's GEMM on this machine";
    t.header = {"step", "time per call", "GFLOP/s", "GFLOP/s per thread", "per thread, % of one-thread GEMM"};
    t.rows.push_back({"Eigen GEMM 1024^3, 1 thread", fmt(num(*gemm, "real_time"), 1) + " ms", fmt(gemm_rate, 1),
                      fmt(gemm_rate, 1), "100"});
    for (const char* k : {"1152", "4608"}) {
      if (const json* c = case_of(gb, std::string("BM_GptqLayer/") + k + "/")) {
        const double rate = num(*c, "GFLOP/s") / 1e9;
        t.rows.push_back({std::string("GPTQ, 256 rows, k = ") + k + ", " + std::to_string(threads) + " threads",
                          fmt(num(*c, "real_time"), 1) + " ms", fmt(rate, 1), fmt(rate / threads, 1),
                          fmt(100 * rate / threads / gemm_rate, 0)});
      }
      if (const json* c = case_of(gb, std::string("BM_GptqFactor/") + k + "/")) {
        const double rate = num(*c, "GFLOP/s") / 1e9;
        t.rows.push_back({std::string("factor, k = ") + k + ", 1 thread", fmt(num(*c, "real_time"), 1) + " ms",
                          fmt(rate, 1), fmt(rate, 1), fmt(100 * rate / gemm_rate, 0)});
      }
    }
    s.tables.push_back(t);
  }

  if (arr(cal, "runs").empty()) {
    s.paragraphs.push_back("The calibrated whole-model runs did not run (RAW/calibration.json is absent).");
    return s;
  }
  const std::string model = str(cal, "model", "?");
  s.paragraphs.push_back(
      "A whole model, " + model + " (" + fmt(num(cal, "params") / 1e6, 0) + "M parameters), quantized to INT4 g64 with a "
      "synthetic calibration file (arrowquant-cli make-calibration, one bucket, " + whole_mib(num(cal, "calibration_file_bytes")) +
      ", made in " + fmt(num(cal, "calibration_generate_seconds"), 1) + " s), each run its own process under "
      "/usr/bin/time (wall time and peak resident memory), all " + std::to_string(int(num(cal, "threads", 0))) +
      " threads. 'plain' is the same model without calibration, for scale.");
  aq::ReportTable t;
  t.title = "Calibrated quantization of " + model;
  t.header = {"run", "wall s", "peak resident memory", "command"};
  for (const auto& r : arr(cal, "runs"))
    t.rows.push_back({str(r, "run"), fmt(num(r, "seconds"), 1), whole_mib(num(r, "peak_rss_bytes")), str(r, "command")});
  s.tables.push_back(t);
  const double k = num(cal, "largest_k");
  if (const json* st = run_of(cal, "streaming"); st && std::isfinite(k)) {
    const double peak = num(*st, "peak_rss_bytes"), factor = 3 * k * k * 4;
    s.paragraphs.push_back(
        "Streaming holds one layer's k x k matrices at a time. The widest layer here has k = " + fmt(k, 0) +
        ": one float32 k x k matrix is " + whole_mib(k * k * 4) + ", and the factor's build holds H, its Cholesky factor "
        "and L^-1 together (" + whole_mib(factor) + "). Measured streaming peak: " + whole_mib(peak) +
        (peak > factor ? ", that is the factor's build plus " + whole_mib(peak - factor) +
                             " of everything else (blocks of rows, the calibration file's buffers, the program)."
                       : "."));
  }
  s.paragraphs.push_back(std::string("Streaming and batch outputs: ") +
                         (cal.value("streaming_and_batch_identical", false) ? "byte-identical (cmp)." : "DIFFERENT (cmp)."));
  return s;
}

}  // namespace aqb
