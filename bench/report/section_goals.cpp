#include "report/section_goals.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "common/json_io.h"
#include "common/layers.h"
#include "report/report_text.h"
#include "report/goal_targets.h"
#include "report/section_calibration.h"
#include "report/section_gguf.h"

namespace aqb {

namespace fs = std::filesystem;
using nlohmann::json;

aq::ReportSection goals_section(const Inputs& in, std::vector<Goal>& goals) {
  const int nt = in.k.max_threads();
  auto kernel = [&](int bits, const std::string& method, int threads) {
    return in.k.find("quantize", "avx2", "f16", bits, 64, false, method, threads);
  };

  // Memory goals.
  const auto models = e2e_models(in);
  bool seen_7b = false;
  for (const auto& m : models) {
    const double peak = max_of(runs_where(in, "memory", m.name, 0, "streaming", "", 0), "ru_maxrss_bytes");
    if (!std::isfinite(peak)) continue;
    seen_7b = seen_7b || is_7b(m.name);
    goals.push_back({"Streaming peak resident memory under " + fmt(goal::kStreamingPeakMiB, 0) + " MiB (" + m.name + ", " + sig(m.params / 1e9, 3) + " G params)",
                     "< " + fmt(goal::kStreamingPeakMiB, 0) + " MiB", mib(peak) + " (highest of INT2/INT4/INT8)", "e2e memory runs, wait4 ru_maxrss",
                     peak < goal::kStreamingPeakMiB * kMiB ? Status::Met : Status::NotMet});
  }
  if (!seen_7b)
    goals.push_back({"Streaming peak resident memory under " + fmt(goal::kStreamingPeakMiB, 0) + " MiB (7B shape)",
                     "< " + fmt(goal::kStreamingPeakMiB, 0) + " MiB",
                     "the 7B shape is opt-in: bash scripts/bench.sh --with-7b", "", Status::NotMeasured});
  Goal ratio7{"Streaming peak under " + fmt(100 * goal::kStreamingOverBatch7b, 0) + "% of batch's (7B shape)",
              "< " + fmt(100 * goal::kStreamingOverBatch7b, 0) + "%", "not run (--with-7b)", "", Status::NotMeasured};
  for (const auto& m : models) {
    if (!is_7b(m.name)) continue;
    double worst = 0;
    std::string detail;
    for (int bits : {2, 4, 8}) {
      const double s = max_of(runs_where(in, "memory", m.name, bits, "streaming", "", 0), "ru_maxrss_bytes");
      const double b = max_of(runs_where(in, "memory", m.name, bits, "batch", "", 0), "ru_maxrss_bytes");
      if (!std::isfinite(s) || !std::isfinite(b) || b <= 0) continue;
      if (s / b > worst) {
        worst = s / b;
        detail = fmt(100 * s / b, 2) + "% (INT" + std::to_string(bits) + ": " + mib(s) + " / " + mib(b) + ")";
      }
    }
    if (!detail.empty()) ratio7 = {ratio7.goal, ratio7.target, "worst " + detail, "e2e memory runs", worst < goal::kStreamingOverBatch7b ? Status::Met : Status::NotMet};
  }
  goals.push_back(ratio7);

  // Kernel speed goals (AVX2, fp16 input, group 64, asymmetric, one thread).
  auto speed_goal = [&](const std::string& what, int bits, const std::string& method, double target) {
    const KernelRow* r = kernel(bits, method, 1);
    Goal g{what, ">= " + sig(target, 3) + " Gparam/s per thread", "", "aq_bench_kernels, " + scheme_name(bits, 64, false, method) + ", fp16, AVX2, 1 thread"};
    if (!r) {
      g.measured = "not measured";
      return g;
    }
    g.measured = sig(r->items_per_s / 1e9, 3) + " Gparam/s";
    if (const KernelRow* r2 = kernel(bits, method, nt); r2 && nt > 1)
      g.measured += " (" + std::to_string(nt) + " threads: " + sig(r2->items_per_s / 1e9 / nt, 3) + " per thread)";
    g.status = r->items_per_s / 1e9 >= target ? Status::Met : Status::NotMet;
    return g;
  };
  goals.push_back(speed_goal("INT8 min-max speed", 8, "minmax", goal::kInt8MinMaxGps));
  goals.push_back(speed_goal("INT4 min-max speed", 4, "minmax", goal::kInt4MinMaxGps));
  goals.push_back(speed_goal("Range search speed (INT4, the default scheme)", 4, "search", goal::kInt4SearchGps));

  // Whole model at half the read roof, all threads.
  const KernelRow* roof = in.k.roof("read", nt);
  std::string largest;
  for (const auto& m : models)
    if (!runs_where(in, "scaling", m.name, 4, "streaming", "", nt).empty()) largest = m.name;
  for (const std::string method : {"minmax", "search"}) {
    Goal g{"Whole fp16 model to INT4 (" + method + "), streaming, all threads, vs memory-read roof", ">= " + fmt(100 * goal::kWholeModelOfReadRoof, 0) + "% of roof", "",
           "e2e scaling runs (--dry-run), " + largest};
    const auto rs = runs_where(in, "scaling", largest, 4, "streaming", method, nt);
    if (!largest.empty() && roof && !rs.empty()) {
      const double mbs = med_of(rs, "mb_per_s");
      const double roof_mbs = roof->bytes_per_s / 1e6;
      g.measured = fmt(mbs, 0) + " MB/s = " + fmt(100 * mbs / roof_mbs, 1) + "% of " + fmt(roof_mbs, 0) + " MB/s";
      g.status = mbs >= goal::kWholeModelOfReadRoof * roof_mbs ? Status::Met : Status::NotMet;
    } else {
      g.measured = "not measured";
    }
    goals.push_back(g);
  }

  // AVX2 vs scalar.
  {
    std::vector<double> ratios;
    std::string worst;
    double worst_r = 1e30;
    for (const auto& r : in.k.rows) {
      if (r.kind != "quantize" || r.kernels != "avx2" || r.threads != 1) continue;
      const KernelRow* s = in.k.find("quantize", "scalar", r.dtype, r.bits, r.group, r.symmetric, r.method, 1);
      if (!s || s->items_per_s <= 0) continue;
      const double x = r.items_per_s / s->items_per_s;
      ratios.push_back(x);
      if (x < worst_r) worst_r = x, worst = scheme_name(r.bits, r.group, r.symmetric, r.method) + " " + r.dtype;
    }
    Goal g{"AVX2 against the scalar reference", ">= " + fmt(goal::kAvx2OverScalar, 0) + "x", "", "aq_bench_kernels, every scheme measured with both, 1 thread"};
    if (!ratios.empty()) {
      const Summary s = summarize(ratios);
      g.measured = "lowest " + fmt(s.min, 1) + "x (" + worst + "), median " + fmt(s.median, 1) + "x, highest " +
                   fmt(s.max, 1) + "x over " + std::to_string(s.n) + " schemes";
      g.status = s.min >= goal::kAvx2OverScalar ? Status::Met : Status::NotMet;
    } else {
      g.measured = "not measured";
    }
    goals.push_back(g);
  }

  // Threads.
  for (const std::string method : {"minmax", "search"}) {
    Goal g{"2 threads against 1 (whole model, INT4 " + method + ", streaming)", ">= " + fmt(goal::kTwoThreadsOverOne, 1) + "x", "",
           "e2e scaling runs (--dry-run), " + largest};
    const auto r1 = runs_where(in, "scaling", largest, 4, "streaming", method, 1);
    const auto rn = runs_where(in, "scaling", largest, 4, "streaming", method, nt);
    if (nt < 2) {
      g.measured = "the machine has 1 thread";
    } else if (!r1.empty() && !rn.empty()) {
      const double s = med_of(r1, "wall_s") / med_of(rn, "wall_s");
      g.measured = fmt(s, 2) + "x (" + fmt(med_of(r1, "wall_s"), 3) + " s -> " + fmt(med_of(rn, "wall_s"), 3) + " s)";
      const KernelRow* k1 = kernel(4, method, 1);
      const KernelRow* kn = kernel(4, method, nt);
      if (k1 && kn) g.measured += "; kernel alone " + fmt(kn->items_per_s / k1->items_per_s, 2) + "x";
      g.status = s >= goal::kTwoThreadsOverOne ? Status::Met : Status::NotMet;
    } else {
      g.measured = "not measured";
    }
    goals.push_back(g);
  }

  // numpy.
  if (in.has_numpy)
    for (const auto& nr : arr(in.numpy, "results")) {
      const int bits = nr.value("bits", 0);
      const KernelRow* r = kernel(bits, "minmax", 1);
      const KernelRow* rn = kernel(bits, "minmax", nt);
      Goal g{"Against the numpy baseline (INT" + std::to_string(bits) + " g64 min-max)", ">= " + fmt(goal::kOverNumpy, 0) + "x", "",
             "aq_bench_kernels vs bench/numpy_baseline.py, same matrix, 1 thread each"};
      const double np = num(nr, "params_per_s");
      if (r && np > 0) {
        g.measured = fmt(r->items_per_s / np, 1) + "x on 1 thread";
        if (rn && nt > 1) g.measured += ", " + fmt(rn->items_per_s / np, 1) + "x on " + std::to_string(nt) + " threads";
        g.status = r->items_per_s / np >= goal::kOverNumpy ? Status::Met : Status::NotMet;
      } else {
        g.measured = "not measured";
      }
      goals.push_back(g);
    }
  else
    goals.push_back({"Against the numpy baseline", ">= " + fmt(goal::kOverNumpy, 0) + "x", "numpy baseline did not run", "", Status::NotMeasured});

  for (auto& g : goals) {
    if (g.where.rfind("aq_bench_kernels", 0) == 0) g.where += noise_note(in, "kernels");
    else if (g.where.rfind("e2e", 0) == 0) g.where += noise_note(in, "e2e");
  }
  aq::ReportSection s;
  add_gguf_goals(in.acc, goals);
  add_calibration_goals(in.raw, goals);
  s.heading = "Goals: measured value and whether it is met";
  s.paragraphs.push_back(
      "Goals for the code from issues 4, 8 and 9, not CI gates. Each row is computed from this run's raw data (docs/benchmark/raw/); "
      "'NOT MET' rows show the measured figure. Kernel figures are Google Benchmark medians; end-to-end figures are "
      "medians over repeated runs, each in its own process.");
  aq::ReportTable t;
  t.header = {"Goal", "Target", "Measured", "Status", "Measured by"};
  for (const auto& g : goals) t.rows.push_back({g.goal, g.target, g.measured, status_text(g.status), g.where});
  s.tables.push_back(t);
  return s;
}

}  // namespace aqb
