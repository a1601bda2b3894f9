// Benchmark report generator: raw JSON of one bench.sh run -> docs/BENCHMARK_REPORT.md, an HTML
// version with the same content and SVG charts, and the goal table on stdout.
//
//   aq_bench_report --raw DIR --md FILE.md --html FILE.html --assets DIR
//
// DIR holds run.json (bench.sh: profile, commands, timings), kernels.json (Google Benchmark),
// numpy.json, e2e.json, accuracy.json and e2e_quality.json. Every figure printed comes from those
// files; a missing file makes its section say so. The llama.cpp SQNR figures are the reference
// numbers quoted by issue 4 and are labelled as such.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_io.h"
#include "common/layers.h"
#include "report/bench_data.h"
#include "report/report_document.h"
#include "report/goals.h"
#include "report/machine_record.h"
#include "report/report_text.h"
#include "report/section_calibration.h"
#include "report/section_e2e_quality.h"
#include "report/section_gguf.h"
#include "report/svg_chart.h"
#include "sys/machine.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace aqb;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

std::string mib(double bytes) { return fmt(bytes / kMiB, 1) + " MiB"; }
std::string group_name(int g) { return g == 0 ? "channel" : "g" + std::to_string(g); }
std::string scheme_name(int bits, int group, bool sym, const std::string& method) {
  return "INT" + std::to_string(bits) + " " + group_name(group) + " " + (sym ? "sym" : "asym") + " " + method;
}
/// "a to b" (or just "a" when equal at the precision shown).
std::string span(double lo, double hi, int digits = 3) {
  const std::string a = sig(lo, digits), b = sig(hi, digits);
  return a == b ? a : a + " to " + b;
}

struct Inputs {
  fs::path raw;  // the directory of the raw files, for sections that read their own
  json run, e2e, acc, numpy;
  KernelData k;
  bool has_e2e = false, has_acc = false, has_numpy = false;
};

struct Writer {
  fs::path assets;     // where chart files go
  std::string prefix;  // their path relative to the Markdown file
  aq::ReportImage chart(const std::string& file, const svg::Chart& c) {
    aq::ReportImage img;
    img.title = c.title;
    img.mime = "image/svg+xml";
    img.bytes = svg::render(c);
    img.file_name = prefix + file;
    if (!write_text_file(assets / file, img.bytes)) std::cerr << "cannot write chart " << file << "\n";
    return img;
  }
};

// ---------------------------------------------------------------- e2e helpers

struct ModelInfo {
  std::string name;
  double params = 0, file_bytes = 0;
};

std::vector<ModelInfo> e2e_models(const Inputs& in) {
  std::vector<ModelInfo> out;
  if (!in.has_e2e) return out;
  for (const auto& m : arr(in.e2e, "models")) {
    ModelInfo mi{m.value("name", std::string()), 0, num(m, "file_bytes", 0)};
    for (const auto& r : arr(in.e2e, "runs"))
      if (r.value("model", std::string()) == mi.name && r.contains("params") && r["params"].is_number())
        mi.params = r["params"].get<double>();
    out.push_back(mi);
  }
  std::sort(out.begin(), out.end(), [](const ModelInfo& a, const ModelInfo& b) { return a.params < b.params; });
  return out;
}

std::vector<const json*> runs_where(const Inputs& in, const std::string& group, const std::string& model, int bits,
                                    const std::string& mode, const std::string& method, int threads) {
  std::vector<const json*> out;
  if (!in.has_e2e) return out;
  for (const auto& r : arr(in.e2e, "runs")) {
    if (r.value("exit_code", -1) != 0) continue;
    if (r.value("group", std::string()) != group || r.value("model", std::string()) != model) continue;
    if (bits && r.value("bits", 0) != bits) continue;
    if (!mode.empty() && r.value("mode", std::string()) != mode) continue;
    if (!method.empty() && r.value("method", std::string()) != method) continue;
    if (threads && r.value("threads", 0) != threads) continue;
    out.push_back(&r);
  }
  return out;
}

double med_of(const std::vector<const json*>& runs, const char* key) {
  std::vector<double> v;
  for (const json* r : runs) v.push_back(num(*r, key));
  return median(v);
}
double max_of(const std::vector<const json*>& runs, const char* key) {
  double m = std::nan("");
  for (const json* r : runs) {
    const double v = num(*r, key);
    if (std::isfinite(v)) m = std::isfinite(m) ? std::max(m, v) : v;
  }
  return m;
}

bool is_7b(const std::string& model) { return model.find("7b") != std::string::npos; }

// ---------------------------------------------------------------- sections

/// " (other processes took N% of the machine during this step)" when that share was noticeable.
std::string noise_note(const Inputs& in, const std::string& step) {
  for (const auto& st : arr(in.run, "steps"))
    if (st.value("name", std::string()) == step) {
      const double o = num(st, "others_cpu_percent");
      if (std::isfinite(o) && o >= 5) return " (other processes took " + fmt(o, 0) + "% of the machine during this step)";
    }
  return "";
}

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
    goals.push_back({"Streaming peak resident memory under 128 MiB (" + m.name + ", " + sig(m.params / 1e9, 3) + " G params)",
                     "< 128 MiB", mib(peak) + " (highest of INT2/INT4/INT8)", "e2e memory runs, wait4 ru_maxrss",
                     peak < 128 * kMiB ? Status::Met : Status::NotMet});
  }
  if (!seen_7b)
    goals.push_back({"Streaming peak resident memory under 128 MiB (7B shape)", "< 128 MiB",
                     "the 7B shape is opt-in: bash scripts/bench.sh --with-7b", "", Status::NotMeasured});
  Goal ratio7{"Streaming peak under 5% of batch's (7B shape)", "< 5%", "not run (--with-7b)", "", Status::NotMeasured};
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
    if (!detail.empty()) ratio7 = {ratio7.goal, ratio7.target, "worst " + detail, "e2e memory runs", worst < 0.05 ? Status::Met : Status::NotMet};
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
  goals.push_back(speed_goal("INT8 min-max speed", 8, "minmax", 2.5));
  goals.push_back(speed_goal("INT4 min-max speed", 4, "minmax", 1.5));
  goals.push_back(speed_goal("Range search speed (INT4, the default scheme)", 4, "search", 0.25));

  // Whole model at half the read roof, all threads.
  const KernelRow* roof = in.k.roof("read", nt);
  std::string largest;
  for (const auto& m : models)
    if (!runs_where(in, "scaling", m.name, 4, "streaming", "", nt).empty()) largest = m.name;
  for (const std::string method : {"minmax", "search"}) {
    Goal g{"Whole fp16 model to INT4 (" + method + "), streaming, all threads, vs memory-read roof", ">= 50% of roof", "",
           "e2e scaling runs (--dry-run), " + largest};
    const auto rs = runs_where(in, "scaling", largest, 4, "streaming", method, nt);
    if (!largest.empty() && roof && !rs.empty()) {
      const double mbs = med_of(rs, "mb_per_s");
      const double roof_mbs = roof->bytes_per_s / 1e6;
      g.measured = fmt(mbs, 0) + " MB/s = " + fmt(100 * mbs / roof_mbs, 1) + "% of " + fmt(roof_mbs, 0) + " MB/s";
      g.status = mbs >= 0.5 * roof_mbs ? Status::Met : Status::NotMet;
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
    Goal g{"AVX2 against the scalar reference", ">= 4x", "", "aq_bench_kernels, every scheme measured with both, 1 thread"};
    if (!ratios.empty()) {
      const Summary s = summarize(ratios);
      g.measured = "lowest " + fmt(s.min, 1) + "x (" + worst + "), median " + fmt(s.median, 1) + "x, highest " +
                   fmt(s.max, 1) + "x over " + std::to_string(s.n) + " schemes";
      g.status = s.min >= 4 ? Status::Met : Status::NotMet;
    } else {
      g.measured = "not measured";
    }
    goals.push_back(g);
  }

  // Threads.
  for (const std::string method : {"minmax", "search"}) {
    Goal g{"2 threads against 1 (whole model, INT4 " + method + ", streaming)", ">= 1.8x", "",
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
      g.status = s >= 1.8 ? Status::Met : Status::NotMet;
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
      Goal g{"Against the numpy baseline (INT" + std::to_string(bits) + " g64 min-max)", ">= 20x", "",
             "aq_bench_kernels vs bench/numpy_baseline.py, same matrix, 1 thread each"};
      const double np = num(nr, "params_per_s");
      if (r && np > 0) {
        g.measured = fmt(r->items_per_s / np, 1) + "x on 1 thread";
        if (rn && nt > 1) g.measured += ", " + fmt(rn->items_per_s / np, 1) + "x on " + std::to_string(nt) + " threads";
        g.status = r->items_per_s / np >= 20 ? Status::Met : Status::NotMet;
      } else {
        g.measured = "not measured";
      }
      goals.push_back(g);
    }
  else
    goals.push_back({"Against the numpy baseline", ">= 20x", "numpy baseline did not run", "", Status::NotMeasured});

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

aq::ReportSection method_section(const Inputs& in) {
  aq::ReportSection s;
  s.heading = "How this report was made";
  const json& r = in.run;
  s.paragraphs.push_back("Profile: " + r.value("profile", std::string("?")) + ". One command ran everything: " +
                         r.value("command", std::string("bash scripts/bench.sh")) + ". Total time " +
                         fmt(num(r, "total_seconds"), 0) + " s (build excluded when it was already up to date).");
  s.paragraphs.push_back(
      "Speed: Google Benchmark (library " + in.k.context.value("library_build_type", std::string("?")) +
      " build as packaged by Debian; it only affects the harness, the measured code is our Release build) with " +
      std::to_string(r.value("kernel_repetitions", 0)) + " repetitions per case; the tables show medians and the "
      "coefficient of variation. Kernel input: a " + in.k.context.value("aq_matrix", std::string("?")) + " matrix (" +
      in.k.context.value("aq_matrix_data", std::string()) + "), copied end to end into a " +
      in.k.context.value("aq_pool_mib", std::string("?")) + " MiB pool so each iteration reads memory the cache does not "
      "hold, as with a real model. Threads are Google Benchmark threads, each quantizing its own matrix.");
  s.paragraphs.push_back(
      "Memory and end to end: every run is a separate arrowquant-cli process launched by aq_bench_e2e; peak resident "
      "memory is the kernel's ru_maxrss of that child (wait4), cross-checked with the CLI's own VmHWM and its "
      "RssAnon/RssFile timeline. Model files are read once before their runs so they come from the page cache.");
  const std::string load = r.value("load_before", std::string());
  if (!load.empty())
    s.paragraphs.push_back("Machine load when the run started (1/5/15 min load average): " + load + "; other compilers running then: " +
                           std::to_string(r.value("busy_compilers_before", 0)) + ". The machine is shared; ratios are always taken "
                           "within one run, and the table below shows how much CPU other processes took during each step "
                           "(from /proc/stat, minus this suite's own processes).");
  aq::ReportTable t;
  t.title = "Commands";
  t.header = {"Step", "Command", "Seconds", "CPU taken by other processes meanwhile"};
  for (const auto& st : arr(r, "steps")) {
    const double others = num(st, "others_cpu_percent");
    t.rows.push_back({st.value("name", std::string()), st.value("command", std::string()), fmt(num(st, "seconds"), 1),
                      std::isfinite(others) ? fmt(others, 1) + "% of the machine" : ""});
  }
  s.tables.push_back(t);
  aq::ReportTable m;
  m.title = "Models";
  m.header = {"Model", "Shape of", "Parameters", "File", "Generated by"};
  for (const auto& mo : arr(r, "models"))
    m.rows.push_back({mo.value("name", std::string()), mo.value("shape_of", std::string()), sig(num(mo, "params") / 1e6, 4) + " M",
                      fmt(num(mo, "file_bytes") / 1e9, 2) + " GB", mo.value("command", std::string())});
  s.tables.push_back(m);
  return s;
}

std::vector<aq::ReportSection> speed_sections(const Inputs& in, Writer& w) {
  std::vector<aq::ReportSection> out;
  const int nt = in.k.max_threads();
  {
    aq::ReportSection s;
    s.heading = "Speed: the machine's roof";
    s.paragraphs.push_back(
        "Measured in the same process as the kernels. Streaming read: AVX2 loads summed over a " +
        in.k.context.value("aq_read_mib", std::string("?")) +
        " MiB buffer (each thread its own slice). fp16 to fp32: F16C on an L1-resident block (the compute roof of the "
        "conversion). The engine's to_f32 reads the cold pool (memory and conversion together). The roof used for a "
        "kernel is the read bandwidth at its thread count, or the F16C rate if that is lower (fp16 input).");
    aq::ReportTable t;
    t.header = {"Measurement", "Threads", "Input MB/s", "fp16 Gparam/s", "cv"};
    auto row = [&](const std::string& label, const KernelRow* r) {
      if (r) t.rows.push_back({label, std::to_string(r->threads), fmt(r->bytes_per_s / 1e6, 0), sig(r->bytes_per_s / 2e9, 3), fmt(100 * r->cv, 1) + "%"});
    };
    for (int th : {1, nt}) {
      row("Streaming memory read", in.k.roof("read", th));
      row("fp16 -> fp32, F16C, in cache", in.k.roof("f16_to_f32", th));
      for (const std::string k : {"avx2", "scalar"})
        for (const auto& r : in.k.rows)
          if (r.kind == "convert" && r.kernels == k && r.threads == th) row("engine to_f32 (" + k + "), fp16 from memory", &r);
      if (nt == 1) break;
    }
    s.tables.push_back(t);
    out.push_back(s);
  }

  auto roof_for = [&](const KernelRow& r) {
    const KernelRow* read = in.k.roof("read", r.threads);
    double roof = read ? read->bytes_per_s : std::nan("");
    if (r.dtype == "f16")
      if (const KernelRow* c = in.k.roof("f16_to_f32", r.threads)) roof = std::min(roof, c->bytes_per_s);
    return roof;
  };

  {
    aq::ReportSection s;
    s.heading = "Speed: row kernels";
    s.paragraphs.push_back(
        "to_f32 + quantize_row over whole rows, exactly the engine's inner loop, error sums included. Throughput counts "
        "input parameters (and input bytes: 2 per parameter for fp16, 4 for fp32) of all threads together. 'Fraction of "
        "roof' is input MB/s over the roof at the same thread count. 'AVX2/scalar' compares the two kernel sets on the same "
        "case in this run.");
    aq::ReportTable t;
    t.header = {"Kernels", "Input", "Scheme", "Threads", "Gparam/s", "per thread", "Input MB/s", "Fraction of roof",
                "AVX2/scalar", "SQNR dB", "bpw", "cv"};
    std::vector<KernelRow> rows;
    for (const auto& r : in.k.rows)
      if (r.kind == "quantize") rows.push_back(r);
    std::sort(rows.begin(), rows.end(), [](const KernelRow& a, const KernelRow& b) {
      return std::make_tuple(a.kernels, a.dtype, a.threads, a.method, a.bits, a.group == 0 ? 1 << 20 : a.group, a.symmetric) <
             std::make_tuple(b.kernels, b.dtype, b.threads, b.method, b.bits, b.group == 0 ? 1 << 20 : b.group, b.symmetric);
    });
    for (const auto& r : rows) {
      std::string vs;
      if (r.kernels == "avx2")
        if (const KernelRow* sc = in.k.find("quantize", "scalar", r.dtype, r.bits, r.group, r.symmetric, r.method, r.threads))
          vs = fmt(r.items_per_s / sc->items_per_s, 1) + "x";
      t.rows.push_back({r.kernels, r.dtype, scheme_name(r.bits, r.group, r.symmetric, r.method), std::to_string(r.threads),
                        sig(r.items_per_s / 1e9, 3), sig(r.items_per_s / 1e9 / r.threads, 3), fmt(r.bytes_per_s / 1e6, 0),
                        fmt(100 * r.bytes_per_s / roof_for(r), 1) + "%", vs, fmt(r.sqnr_db, 2), fmt(r.bpw, 3),
                        fmt(100 * r.cv, 1) + "%"});
    }
    s.tables.push_back(t);

    // What it shows, from the rows above.
    std::vector<double> mm_v, se_v, frac, vs_scalar, thr;
    for (const auto& r : rows) {
      if (r.kernels != "avx2" || r.dtype != "f16" || r.symmetric) continue;
      if (r.threads == 1) {
        (r.method == "minmax" ? mm_v : se_v).push_back(r.items_per_s / 1e9);
        frac.push_back(r.bytes_per_s / roof_for(r));
        if (const KernelRow* sc = in.k.find("quantize", "scalar", "f16", r.bits, r.group, false, r.method, 1))
          vs_scalar.push_back(r.items_per_s / sc->items_per_s);
      } else if (const KernelRow* one = in.k.find("quantize", "avx2", "f16", r.bits, r.group, false, r.method, 1)) {
        thr.push_back(r.items_per_s / one->items_per_s);
      }
    }
    if (!mm_v.empty() && !se_v.empty()) {
      const Summary a = summarize(mm_v), b = summarize(se_v), f = summarize(frac);
      std::string text = "What this shows: on one thread, fp16 input, the AVX2 kernels run at " + span(a.min, a.max) +
                         " Gparam/s with min-max and " + span(b.min, b.max) + " Gparam/s with range search (asymmetric, all "
                         "group sizes measured), which is " + fmt(100 * f.min, 0) + "% to " + fmt(100 * f.max, 0) +
                         "% of the roof";
      text += f.max < 0.5 ? ": the kernels are limited by computation, not by memory bandwidth." : ".";
      if (!vs_scalar.empty()) {
        const Summary v = summarize(vs_scalar);
        text += " Against the scalar reference on the same cases: " + fmt(v.min, 1) + "x to " + fmt(v.max, 1) + "x.";
      }
      if (!thr.empty()) {
        const Summary v = summarize(thr);
        text += " " + std::to_string(nt) + " threads against 1 (each thread its own matrix): " + fmt(v.min, 2) + "x to " +
                fmt(v.max, 2) + "x.";
      }
      s.paragraphs.push_back(text);
    }

    // Chart 1: AVX2 fp16 1 thread, every bits x group, min-max vs search.
    svg::Chart c;
    c.title = "AVX2 kernels, fp16 input, asymmetric, 1 thread";
    c.y.label = "Gparam/s";
    c.x.label = "scheme";
    auto mm = svg::make_series("min-max", svg::Style::Bars);
    auto se = svg::make_series("range search", svg::Style::Bars);
    int i = 0;
    for (int bits : {2, 3, 4, 8})
      for (int g : {32, 64, 128, 0}) {
        const KernelRow* a = in.k.find("quantize", "avx2", "f16", bits, g, false, "minmax", 1);
        const KernelRow* b = in.k.find("quantize", "avx2", "f16", bits, g, false, "search", 1);
        if (!a && !b) continue;
        c.x.categories.push_back("INT" + std::to_string(bits) + " " + group_name(g));
        mm.x.push_back(i);
        mm.y.push_back(a ? a->items_per_s / 1e9 : std::nan(""));
        se.x.push_back(i);
        se.y.push_back(b ? b->items_per_s / 1e9 : std::nan(""));
        ++i;
      }
    c.series = {mm, se};
    c.hlines = {{2.5, "INT8 min-max goal 2.5"}, {1.5, "INT4 min-max goal 1.5"}, {0.25, "search goal 0.25"}};
    if (i) s.images.push_back(w.chart("kernels_avx2.svg", c));

    // Chart 2: AVX2 vs scalar, g64 asym, fp16, 1 thread.
    svg::Chart d;
    d.title = "AVX2 against the scalar reference (fp16, g64 asym, 1 thread)";
    d.y.label = "Gparam/s (log)";
    d.y.log = true;
    d.x.label = "scheme";
    auto sa = svg::make_series("AVX2", svg::Style::Bars);
    auto ss = svg::make_series("scalar", svg::Style::Bars);
    i = 0;
    for (const std::string m : {"minmax", "search"})
      for (int bits : {2, 3, 4, 8}) {
        const KernelRow* a = in.k.find("quantize", "avx2", "f16", bits, 64, false, m, 1);
        const KernelRow* b = in.k.find("quantize", "scalar", "f16", bits, 64, false, m, 1);
        if (!a || !b) continue;
        d.x.categories.push_back("INT" + std::to_string(bits) + " " + m);
        sa.x.push_back(i);
        sa.y.push_back(a->items_per_s / 1e9);
        ss.x.push_back(i);
        ss.y.push_back(b->items_per_s / 1e9);
        ++i;
      }
    d.series = {sa, ss};
    if (i) s.images.push_back(w.chart("kernels_avx2_vs_scalar.svg", d));
    out.push_back(s);
  }

  {
    aq::ReportSection s;
    s.heading = "Speed: against plain numpy";
    if (!in.has_numpy) {
      s.paragraphs.push_back("The numpy baseline did not run (Debian's python3-numpy at /usr/bin/python3 is needed).");
    } else {
      s.paragraphs.push_back(
          "bench/numpy_baseline.py does the same group-wise min-max quantization in plain numpy (numpy " +
          in.numpy.value("numpy_version", std::string("?")) + ", Python " + in.numpy.value("python_version", std::string("?")) +
          ", single-threaded) on the very matrix the kernel benchmark used: fp16 to fp32, range with 0, scale rounded up to "
          "fp16, zero point, codes, squared error and bit packing. Equal SQNR confirms both did the same quantization.");
      aq::ReportTable t;
      t.header = {"Scheme", "numpy Mparam/s", "numpy s (median)", "ArrowQuant 1 thread Gparam/s", "ratio",
                  "ArrowQuant " + std::to_string(nt) + " threads Gparam/s", "ratio", "SQNR numpy / ours dB"};
      for (const auto& nr : arr(in.numpy, "results")) {
        const int bits = nr.value("bits", 0);
        const double np = num(nr, "params_per_s");
        const KernelRow* r1 = in.k.find("quantize", "avx2", "f16", bits, 64, false, "minmax", 1);
        const KernelRow* rn = in.k.find("quantize", "avx2", "f16", bits, 64, false, "minmax", nt);
        t.rows.push_back({scheme_name(bits, 64, false, "minmax") + ", fp16", fmt(np / 1e6, 1), fmt(num(nr, "seconds_median"), 3),
                          r1 ? sig(r1->items_per_s / 1e9, 3) : "n/a", r1 ? fmt(r1->items_per_s / np, 1) + "x" : "n/a",
                          rn ? sig(rn->items_per_s / 1e9, 3) : "n/a", rn ? fmt(rn->items_per_s / np, 1) + "x" : "n/a",
                          fmt(num(nr, "sqnr_db"), 2) + " / " + (r1 ? fmt(r1->sqnr_db, 2) : "n/a")});
      }
      s.tables.push_back(t);
    }
    out.push_back(s);
  }
  return out;
}

std::vector<aq::ReportSection> memory_sections(const Inputs& in, Writer& w) {
  std::vector<aq::ReportSection> out;
  aq::ReportSection s;
  s.heading = "Memory: peak resident memory against model size";
  const auto models = e2e_models(in);
  if (models.empty()) {
    s.paragraphs.push_back("The end-to-end benchmark did not run.");
    out.push_back(s);
    return out;
  }
  s.paragraphs.push_back(
      "arrowquant-cli quantize MODEL -o OUT --bits B --mode M (group 64, asymmetric, the default range search), each run "
      "its own process writing the packed file. 'Peak RSS' is the child's ru_maxrss from wait4; 'VmHWM' is what the CLI "
      "itself reports; RssAnon (heap) and RssFile (mapped model pages) are the highest values of the CLI's 50 ms memory "
      "timeline. Streaming maps the model and returns each block's pages after use; batch keeps every page it touched.");
  aq::ReportTable t;
  t.header = {"Model", "Params", "Bits", "Mode", "Peak RSS", "VmHWM (CLI)", "max RssAnon", "max RssFile", "Wall s",
              "Input MB/s", "Output MB", "bpw", "major faults"};
  for (const auto& m : models)
    for (int bits : {2, 3, 4, 8})
      for (const std::string mode : {"streaming", "batch"}) {
        const auto rs = runs_where(in, "memory", m.name, bits, mode, "", 0);
        if (rs.empty()) continue;
        t.rows.push_back({m.name, sig(m.params / 1e6, 4) + " M", std::to_string(bits), mode, mib(max_of(rs, "ru_maxrss_bytes")),
                          mib(max_of(rs, "peak_rss_bytes")), mib(max_of(rs, "timeline_max_rss_anon")),
                          mib(max_of(rs, "timeline_max_rss_file")), fmt(med_of(rs, "wall_s"), 3), fmt(med_of(rs, "mb_per_s"), 0),
                          fmt(med_of(rs, "output_file_bytes") / 1e6, 1), fmt(med_of(rs, "bits_per_weight"), 3),
                          fmt(med_of(rs, "major_faults"), 0)});
      }
  s.tables.push_back(t);

  aq::ReportTable r;
  r.title = "Streaming against batch";
  r.header = {"Model", "Params", "Streaming peak (highest of INT2/4/8)", "Batch peak (highest)", "Streaming / batch"};
  svg::Chart c;
  c.title = "Peak resident memory against model size (highest of INT2/INT4/INT8)";
  c.x.label = "parameters";
  c.x.log = true;
  c.y.label = "MiB (log)";
  c.y.log = true;
  auto st = svg::make_series("streaming", svg::Style::Line);
  auto ba = svg::make_series("batch", svg::Style::Line);
  for (const auto& m : models) {
    const double sp = max_of(runs_where(in, "memory", m.name, 0, "streaming", "", 0), "ru_maxrss_bytes");
    const double bp = max_of(runs_where(in, "memory", m.name, 0, "batch", "", 0), "ru_maxrss_bytes");
    r.rows.push_back({m.name, sig(m.params / 1e6, 4) + " M", mib(sp), mib(bp), fmt(100 * sp / bp, 2) + "%"});
    st.x.push_back(m.params);
    st.y.push_back(sp / kMiB);
    ba.x.push_back(m.params);
    ba.y.push_back(bp / kMiB);
  }
  s.tables.push_back(r);
  {
    const Summary a = summarize(st.y), b = summarize(ba.y);
    if (a.n >= 2 && b.n >= 2)
      s.paragraphs.push_back("What this shows: from " + sig(models.front().params / 1e6, 3) + " M to " +
                             sig(models.back().params / 1e6, 4) + " M parameters (" + fmt(models.back().params / models.front().params, 0) +
                             "x), streaming's peak stayed between " + fmt(a.min, 1) + " and " + fmt(a.max, 1) +
                             " MiB while batch's went from " + fmt(ba.y.front(), 1) + " to " + fmt(ba.y.back(), 1) + " MiB; on " +
                             models.back().name + " streaming needs " + fmt(100 * st.y.back() / ba.y.back(), 2) + "% of batch's memory.");
  }
  c.series = {st, ba};
  c.hlines = {{128, "streaming goal 128 MiB"}};
  s.images.push_back(w.chart("memory_vs_size.svg", c));
  out.push_back(s);

  // Timeline of the largest model.
  const std::string largest = models.back().name;
  aq::ReportSection tl;
  tl.heading = "Memory: where it goes (" + largest + ", INT4)";
  tl.paragraphs.push_back(
      "Resident memory over time from the CLI's memory timeline (sampled every 50 ms), split into anonymous memory (heap: "
      "buffers, scratch) and file pages (the memory-mapped model, counted in RSS while mapped and resident).");
  {
    std::string text = "Highest values during the INT4 runs on " + largest + ":";
    for (const std::string mode : {"streaming", "batch"}) {
      const auto rs = runs_where(in, "memory", largest, 4, mode, "", 0);
      if (rs.empty()) continue;
      text += " " + mode + " RssAnon " + mib(max_of(rs, "timeline_max_rss_anon")) + ", RssFile " +
              mib(max_of(rs, "timeline_max_rss_file")) + ", peak RSS " + mib(max_of(rs, "ru_maxrss_bytes")) + ";";
    }
    text.back() = '.';
    text += " The model file is " + fmt(models.back().file_bytes / kMiB, 0) + " MiB.";
    tl.paragraphs.push_back(text);
  }
  svg::Chart tc;
  tc.title = "Resident memory during INT4 runs, " + largest;
  tc.x.label = "seconds";
  tc.y.label = "MiB (log)";
  tc.y.log = true;
  for (const std::string mode : {"streaming", "batch"}) {
    const auto rs = runs_where(in, "memory", largest, 4, mode, "", 0);
    if (rs.empty()) continue;
    auto rss = svg::make_series(mode + " RSS", svg::Style::Line);
    auto anon = svg::make_series(mode + " RssAnon", svg::Style::Line);
    auto file = svg::make_series(mode + " RssFile", svg::Style::Line);
    anon.dashed = true;
    file.dashed = true;
    for (const auto& p : arr((*rs[0]), "timeline")) {
      const double t = p[0].get<double>();
      rss.x.push_back(t), rss.y.push_back(p[1].get<double>() / kMiB);
      anon.x.push_back(t), anon.y.push_back(p[2].get<double>() / kMiB);
      file.x.push_back(t), file.y.push_back(p[3].get<double>() / kMiB);
    }
    const std::string base = mode == "streaming" ? "#2f6fde" : "#e4572e";
    rss.color = base;
    anon.color = mode == "streaming" ? "#7fa8f0" : "#f0a08a";
    file.color = mode == "streaming" ? "#1b3f80" : "#8a2f16";
    tc.series.push_back(rss);
    tc.series.push_back(anon);
    tc.series.push_back(file);
  }
  if (!tc.series.empty()) tl.images.push_back(w.chart("memory_timeline.svg", tc));
  out.push_back(tl);
  return out;
}

aq::ReportSection scaling_section(const Inputs& in, Writer& w) {
  aq::ReportSection s;
  s.heading = "Scaling: threads and model size";
  const int nt = std::max(1, in.e2e.value("logical_cores", 1));
  s.paragraphs.push_back("This machine has " + std::to_string(nt) +
                         " logical cores, so 1 and " + std::to_string(nt) +
                         " threads are all that can be measured. arrowquant-cli quantize MODEL --dry-run --bits 4 "
                         "--method M --threads T (streaming, group 64, asymmetric): the whole model is read, quantized and "
                         "measured, nothing is written, so the disk is out of the figure. Runs of 1 and " +
                         std::to_string(nt) + " threads are interleaved; medians of " +
                         std::to_string(in.e2e.value("scaling_reps", 0)) + " runs.");
  const auto models = e2e_models(in);
  aq::ReportTable t;
  t.header = {"Model", "Params", "Method", "Threads", "Wall s", "Input MB/s", "Gparam/s", "Speed-up", "Peak RSS"};
  svg::Chart c;
  c.title = "Wall time against model size (INT4, g64)";
  c.x.label = "parameters";
  c.x.log = true;
  c.y.label = "seconds (log)";
  c.y.log = true;
  std::map<std::string, svg::Series> series;
  for (const auto& m : models)
    for (const std::string method : {"minmax", "search"}) {
      const auto r1 = runs_where(in, "scaling", m.name, 4, "streaming", method, 1);
      for (int th : {1, nt}) {
        const auto rs = runs_where(in, "scaling", m.name, 4, "streaming", method, th);
        if (rs.empty()) continue;
        const double wall = med_of(rs, "wall_s");
        t.rows.push_back({m.name, sig(m.params / 1e6, 4) + " M", method, std::to_string(th), fmt(wall, 3),
                          fmt(med_of(rs, "mb_per_s"), 0), sig(med_of(rs, "params_per_s") / 1e9, 3),
                          r1.empty() ? "" : fmt(med_of(r1, "wall_s") / wall, 2) + "x", mib(max_of(rs, "ru_maxrss_bytes"))});
        auto& se = series[method + ", " + std::to_string(th) + " thread" + (th > 1 ? "s" : "") + ", dry run"];
        se.x.push_back(m.params);
        se.y.push_back(wall);
        if (nt == 1) break;
      }
    }
  for (const std::string mode : {"streaming", "batch"}) {
    auto& se = series["search, " + std::to_string(nt) + " threads, writes file, " + mode];
    se.dashed = true;
    for (const auto& m : models) {
      const auto rs = runs_where(in, "memory", m.name, 4, mode, "", 0);
      if (rs.empty()) continue;
      se.x.push_back(m.params);
      se.y.push_back(med_of(rs, "wall_s"));
    }
  }
  for (auto& [name, se] : series) {
    se.name = name;
    se.style = svg::Style::Line;
    if (!se.x.empty()) c.series.push_back(se);
  }
  s.tables.push_back(t);
  if (!models.empty() && nt > 1) {
    const ModelInfo& big = models.back();
    std::string text = "What this shows: on " + big.name + ",";
    bool any = false;
    for (const std::string method : {"minmax", "search"}) {
      const auto r1 = runs_where(in, "scaling", big.name, 4, "streaming", method, 1);
      const auto rn = runs_where(in, "scaling", big.name, 4, "streaming", method, nt);
      if (r1.empty() || rn.empty()) continue;
      text += std::string(any ? ";" : "") + " " + std::to_string(nt) + " threads against 1 gave " +
              fmt(med_of(r1, "wall_s") / med_of(rn, "wall_s"), 2) + "x with " + method;
      any = true;
    }
    if (models.size() >= 2) {
      const auto a = runs_where(in, "scaling", models.front().name, 4, "streaming", "minmax", nt);
      const auto b = runs_where(in, "scaling", big.name, 4, "streaming", "minmax", nt);
      if (!a.empty() && !b.empty())
        text += ". Going from " + models.front().name + " to " + big.name + " (" + fmt(big.params / models.front().params, 1) +
                "x the parameters) took " + fmt(med_of(b, "wall_s") / med_of(a, "wall_s"), 1) + "x the time (min-max, " +
                std::to_string(nt) + " threads)";
    }
    if (any) s.paragraphs.push_back(text + ".");
  }
  if (!c.series.empty()) s.images.push_back(w.chart("time_vs_size.svg", c));
  return s;
}

struct LlamaRef {
  const char* name;
  double bpw, heavy, gauss;
};
// Reference figures quoted by issue 4 (llama.cpp quantization types on such data), not measured here.
const LlamaRef kLlama[] = {{"Q8_0", 8.5, 40.9, 45.4}, {"Q4_K", 4.5, 20.6, 22.9}, {"Q4_0", 4.5, 17.5, 21.3},
                           {"Q3_K", 3.44, 15.0, 16.4}, {"Q2_K", 2.625, 9.8, 10.6}};

std::vector<aq::ReportSection> accuracy_sections(const Inputs& in, Writer& w) {
  std::vector<aq::ReportSection> out;
  if (!in.has_acc) {
    aq::ReportSection s;
    s.heading = "Accuracy";
    s.paragraphs.push_back("The accuracy benchmark did not run.");
    out.push_back(s);
    return out;
  }
  // Test matrices against llama.cpp's reference figures.
  {
    aq::ReportSection s;
    s.heading = "Accuracy: test matrices against llama.cpp reference figures";
    s.paragraphs.push_back(
        "Heavy-tailed: Student-t with 4 degrees of freedom scaled to std 0.02, plus 0.1% outliers at 20 standard "
        "deviations, 1152 x 4608. Gaussian: std 0.02, 4096 x 11008. Both fp32, quantized by the engine's row kernels. bpw "
        "is the effective bits per weight: codes plus fp16 scales plus fp16 zero points. The llama.cpp columns are the "
        "REFERENCE FIGURES GIVEN BY ISSUE 4 for llama.cpp's types on such data; they were not measured here. Our rows are "
        "the best of our schemes at no more bits per weight than the llama.cpp type, and the best one just above it.");
    const json* heavy = nullptr;
    const json* gauss = nullptr;
    for (const auto& m : arr(in.acc, "matrices")) {
      if (m.value("name", std::string()) == "heavy-tailed") heavy = &m;
      if (m.value("name", std::string()) == "gaussian") gauss = &m;
    }
    auto best = [](const json* m, double max_bpw, double min_bpw) -> const json* {
      const json* b = nullptr;
      if (!m) return b;
      for (const auto& r : arr((*m), "results")) {
        const double bpw = num(r, "bits_per_weight");
        if (bpw > max_bpw + 1e-9 || bpw < min_bpw - 1e-9) continue;
        if (!b || num(r, "sqnr_db") > num(*b, "sqnr_db")) b = &r;
      }
      return b;
    };
    aq::ReportTable t;
    t.header = {"llama.cpp type (reference, not measured)", "bpw", "heavy-tailed dB", "Gaussian dB", "ArrowQuant scheme (measured)",
                "bpw", "heavy-tailed dB", "Gaussian dB", "difference dB (heavy / Gaussian)"};
    for (const auto& l : kLlama) {
      const json* at = best(heavy, l.bpw, 0);
      std::set<std::string> shown;
      auto add = [&](const json* h) {
        if (!h) return;
        const std::string key = h->value("scheme", std::string());
        if (shown.count(key)) return;
        shown.insert(key);
        const json* g = nullptr;
        if (gauss)
          for (const auto& r : arr((*gauss), "results"))
            if (r.value("scheme", std::string()) == key) g = &r;
        const double dh = num(*h, "sqnr_db") - l.heavy, dg = g ? num(*g, "sqnr_db") - l.gauss : std::nan("");
        auto signed1 = [](double v) { return std::isfinite(v) ? (v >= 0 ? "+" : "") + fmt(v, 1) : std::string("n/a"); };
        t.rows.push_back({l.name, fmt(l.bpw, 3), fmt(l.heavy, 1), fmt(l.gauss, 1), key, fmt(num(*h, "bits_per_weight"), 3),
                          fmt(num(*h, "sqnr_db"), 1), g ? fmt(num(*g, "sqnr_db"), 1) : "n/a", signed1(dh) + " / " + signed1(dg)});
      };
      add(at);
      if (!at || num(*at, "bits_per_weight") < l.bpw - 1e-9) add(best(heavy, l.bpw + 0.26, l.bpw + 1e-6));
    }
    s.tables.push_back(t);

    aq::ReportTable all;
    all.title = "Every scheme on both matrices";
    all.header = {"Scheme", "bpw", "heavy-tailed SQNR dB", "heavy-tailed cosine", "Gaussian SQNR dB", "Gaussian cosine"};
    if (heavy)
      for (const auto& r : arr((*heavy), "results")) {
        const std::string key = r.value("scheme", std::string());
        const json* g = nullptr;
        if (gauss)
          for (const auto& x : arr((*gauss), "results"))
            if (x.value("scheme", std::string()) == key) g = &x;
        all.rows.push_back({key, fmt(num(r, "bits_per_weight"), 3), fmt(num(r, "sqnr_db"), 2), fmt(num(r, "cosine"), 5),
                            g ? fmt(num(*g, "sqnr_db"), 2) : "n/a", g ? fmt(num(*g, "cosine"), 5) : "n/a"});
      }
    s.tables.push_back(all);

    for (const json* m : {heavy, gauss}) {
      if (!m) continue;
      const bool is_heavy = m == heavy;
      svg::Chart c;
      c.title = std::string("SQNR against bits per weight, ") + (is_heavy ? "heavy-tailed" : "Gaussian") + " matrix";
      c.x.label = "bits per weight (codes + fp16 scales + zero points)";
      c.y.label = "SQNR dB";
      std::map<std::string, svg::Series> ser;
      for (const auto& r : arr((*m), "results")) {
        if (r.value("group_size", 0) == 0) continue;  // per-channel is far below; in the table
        const std::string name = std::string(r.value("symmetric", false) ? "sym " : "asym ") + r.value("method", std::string());
        ser[name].x.push_back(num(r, "bits_per_weight"));
        ser[name].y.push_back(num(r, "sqnr_db"));
      }
      for (auto& [name, se] : ser) {
        se.name = "ArrowQuant " + name;
        se.style = svg::Style::Points;
        c.series.push_back(se);
      }
      auto ref = svg::make_series("llama.cpp (issue's reference)", svg::Style::Points);
      ref.color = "#111111";
      for (const auto& l : kLlama) {
        ref.x.push_back(l.bpw);
        ref.y.push_back(is_heavy ? l.heavy : l.gauss);
      }
      c.series.push_back(ref);
      s.images.push_back(w.chart(is_heavy ? "sqnr_heavy.svg" : "sqnr_gaussian.svg", c));
    }
    out.push_back(s);
  }

  // Models.
  for (const auto& m : arr(in.acc, "models")) {
    aq::ReportSection s;
    const std::string name = m.value("name", std::string());
    s.heading = "Accuracy: per-layer distribution on " + name;
    s.paragraphs.push_back(
        "run_job on the model (no output), asymmetric, default keep rules; every quantized tensor is one layer. bpw "
        "(quantized) counts codes, scales and zero points over the quantized tensors; bpw (model) includes the tensors "
        "kept in float.");
    aq::ReportTable t;
    t.header = {"Scheme", "bpw (quantized)", "bpw (model)", "Model SQNR dB", "Layer SQNR min", "p10", "median", "p90", "max",
                "Layer cosine min", "median", "Layers"};
    svg::Chart c;
    c.title = "Per-layer SQNR on " + name + " (box: p10-p90, whiskers: min-max)";
    c.y.label = "SQNR dB";
    c.x.label = "scheme";
    auto mm = svg::make_series("min-max", svg::Style::Box);
    auto se = svg::make_series("range search", svg::Style::Box);
    std::map<std::string, int> cat;
    for (const auto& r : arr(m, "runs")) {
      if (r.contains("error")) continue;
      std::vector<double> sq, co;
      for (const auto& l : accuracy_layers(m, r)) {
        sq.push_back(l[2].is_number() ? l[2].get<double>() : std::nan(""));
        co.push_back(l[3].is_number() ? l[3].get<double>() : std::nan(""));
      }
      const Summary a = summarize(sq), b = summarize(co);
      t.rows.push_back({r.value("scheme", std::string()), fmt(num(r, "quantized_bits_per_weight"), 3),
                        fmt(num(r, "model_bits_per_weight"), 3), fmt(num(r, "sqnr_db"), 2), fmt(a.min, 2), fmt(a.p10, 2),
                        fmt(a.median, 2), fmt(a.p90, 2), fmt(a.max, 2), fmt(b.min, 5), fmt(b.median, 5), std::to_string(a.n)});
      const std::string key = "INT" + std::to_string(r.value("bits", 0)) + " " + group_name(r.value("group_size", 0));
      if (!cat.count(key)) {
        cat[key] = int(c.x.categories.size());
        c.x.categories.push_back(key);
      }
      auto& target = r.value("method", std::string()) == "minmax" ? mm : se;
      target.x.push_back(cat[key]);
      target.boxes.push_back({a.min, a.p10, a.median, a.p90, a.max});
    }
    c.series = {mm, se};
    s.tables.push_back(t);
    {
      // Median per-layer SQNR gain of range search over min-max, per scheme.
      std::vector<double> gain;
      std::string best_key;
      double best_gain = -1e9;
      for (std::size_t i = 0; i < mm.boxes.size(); ++i)
        for (std::size_t j = 0; j < se.boxes.size(); ++j)
          if (mm.x[i] == se.x[j]) {
            const double g = se.boxes[j][2] - mm.boxes[i][2];
            gain.push_back(g);
            if (g > best_gain) best_gain = g, best_key = c.x.categories[std::size_t(mm.x[i])];
          }
      if (!gain.empty()) {
        const Summary g = summarize(gain);
        s.paragraphs.push_back("What this shows: range search raises the median per-layer SQNR over min-max by " + fmt(g.min, 2) +
                               " to " + fmt(g.max, 2) + " dB at the same bits per weight; most at " + best_key + ".");
      }
    }
    s.images.push_back(w.chart("layers_" + name + ".svg", c));
    out.push_back(s);
  }

  // Layers of the end-to-end runs (the only accuracy figures for the 7B shape).
  if (in.has_e2e) {
    aq::ReportSection s;
    s.heading = "Accuracy: per-layer distribution from the memory runs";
    s.paragraphs.push_back("The per-tensor figures the CLI printed in the memory runs (group 64, asymmetric, range search), "
                           "for every model size including the largest.");
    aq::ReportTable t;
    t.header = {"Model", "Scheme", "bpw (model)", "Model SQNR dB", "Layer SQNR min", "median", "max", "Layer cosine min", "median", "Layers"};
    for (const auto& mi : e2e_models(in))
      for (int bits : {2, 3, 4, 8}) {
        const auto rs = runs_where(in, "memory", mi.name, bits, "streaming", "", 0);
        for (const json* r : rs) {
          if (!r->contains("layers")) continue;
          std::vector<double> sq, co;
          for (const auto& l : arr((*r), "layers")) {
            sq.push_back(l[2].is_number() ? l[2].get<double>() : std::nan(""));
            co.push_back(l[3].is_number() ? l[3].get<double>() : std::nan(""));
          }
          const Summary a = summarize(sq), b = summarize(co);
          t.rows.push_back({mi.name, scheme_name(bits, 64, false, r->value("method", std::string())), fmt(num(*r, "bits_per_weight"), 3),
                            fmt(num(*r, "sqnr_db"), 2), fmt(a.min, 2), fmt(a.median, 2), fmt(a.max, 2), fmt(b.min, 5),
                            fmt(b.median, 5), std::to_string(a.n)});
          break;
        }
      }
    s.tables.push_back(t);
    out.push_back(s);
  }
  return out;
}

aq::ReportSection raw_section(const fs::path& raw, const fs::path& md_dir) {
  aq::ReportSection s;
  s.heading = "Raw data";
  s.paragraphs.push_back("Every number above comes from these files, written by this run; aq_bench_report regenerates "
                         "this page from them.");
  aq::ReportTable t;
  t.header = {"File", "Content"};
  const std::pair<const char*, const char*> files[] = {
      {"run.json", "profile, commands, step timings, models, machine load"},
      {"kernels.json", "Google Benchmark output of aq_bench_kernels (every repetition and the aggregates)"},
      {"numpy.json", "bench/numpy_baseline.py timings"},
      {"e2e.json", "aq_bench_e2e: every arrowquant-cli run (command, rusage, totals, memory timeline, per-layer figures)"},
      {"accuracy.json", "aq_bench_accuracy: test matrices, per-model sweeps and the GGUF types"},
      {"gptq.json", "Google Benchmark output of aq_bench_gptq (the compensation against Eigen's GEMM)"},
      {"calibration.json", "bench.sh: a whole model quantized with a synthetic calibration file, every command"},
      {"machine.json", "the machine the benchmarks ran on (recorded by bench.sh)"},
      {"e2e_quality.json", "bench/e2e_quality.py: MNIST DDPM float against dequantized weights, every command"}};
  std::error_code ec;
  for (const auto& [f, what] : files)
    if (fs::exists(raw / f)) t.rows.push_back({fs::relative(raw / f, md_dir, ec).string(), what});
  s.tables.push_back(t);
  return s;
}

int usage() {
  std::cerr << "usage: aq_bench_report --raw DIR --md FILE.md --html FILE.html --assets DIR\n"
               "       aq_bench_report --record-machine FILE.json   (bench.sh: the machine the figures come from)\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path raw, md, html, assets, record;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--raw") raw = next();
    else if (a == "--md") md = next();
    else if (a == "--html") html = next();
    else if (a == "--assets") assets = next();
    else if (a == "--record-machine") record = next();
    else return usage();
  }
  if (!record.empty()) return write_machine_record(record, this_machine()) ? 0 : 3;
  if (raw.empty() || md.empty() || html.empty() || assets.empty()) return usage();

  Inputs in;
  in.raw = raw;
  in.run = in.e2e = in.acc = in.numpy = json::object();
  if (auto j = read_json_file(raw / "run.json")) in.run = *j;
  if (auto j = read_json_file(raw / "e2e.json")) in.e2e = *j, in.has_e2e = true;
  if (auto j = read_json_file(raw / "accuracy.json")) in.acc = *j, in.has_acc = true;
  if (auto j = read_json_file(raw / "numpy.json")) in.numpy = *j, in.has_numpy = true;
  in.k = load_kernels(raw / "kernels.json");

  std::error_code ec;
  fs::create_directories(assets, ec);
  const fs::path md_dir = fs::absolute(md).parent_path();
  Writer w{assets, fs::relative(fs::absolute(assets), md_dir, ec).string() + "/"};

  aq::ReportDocument doc;
  doc.title = "ArrowQuant benchmark report";
  doc.generated_at = iso_now();
  doc.tool_version = AQ_VERSION;
  // The machine the benchmarks ran on; a raw directory from before machine.json says so.
  const auto recorded = read_machine_record(raw / "machine.json");
  const RecordedMachine machine = recorded ? *recorded : this_machine();
  doc.machine = machine.info;
  const json& ctx = in.k.context;
  doc.settings = {{"Profile", in.run.value("profile", std::string("?"))},
                  {"Run started", in.run.value("started", std::string("?"))},
                  {"Source", in.run.value("git_commit", std::string("?")) + (in.run.value("git_dirty", false) ? " (with uncommitted changes)" : "")},
                  {"CPU details (/proc/cpuinfo)", machine.cpu_details},
                  {"Machine recorded", recorded ? "by bench.sh when the benchmarks ran (raw/machine.json)"
                                                : "NO: raw/machine.json is absent, so this is the machine that wrote the report"},
                  {"CPU MHz (Google Benchmark)", ctx.contains("mhz_per_cpu") ? ctx["mhz_per_cpu"].dump() : "?"},
                  {"Threads measured", "1 and " + std::to_string(in.k.max_threads())},
                  {"Kernel set used by the engine", in.acc.value("kernels", std::string("?"))}};
  if (ctx.contains("caches"))
    for (const auto& c : arr(ctx, "caches"))
      doc.settings.push_back({"Cache L" + std::to_string(c.value("level", 0)) + " " + c.value("type", std::string()),
                              std::to_string(c.value("size", 0) / 1024) + " KiB (shared by " + std::to_string(c.value("num_sharing", 0)) + ")"});

  std::vector<Goal> goals;
  doc.sections.push_back(goals_section(in, goals));
  doc.sections.push_back(method_section(in));
  for (auto& s : speed_sections(in, w)) doc.sections.push_back(std::move(s));
  for (auto& s : memory_sections(in, w)) doc.sections.push_back(std::move(s));
  if (in.has_e2e) doc.sections.push_back(scaling_section(in, w));
  for (auto& s : accuracy_sections(in, w)) doc.sections.push_back(std::move(s));
  doc.sections.push_back(gguf_section(in.acc));
  doc.sections.push_back(calibration_section(raw));
  doc.sections.push_back(e2e_quality_section(raw, assets, w.prefix));
  doc.sections.push_back(raw_section(fs::absolute(raw), md_dir));

  // Charts drawn by the desktop application's own chart classes (aq_bench_app_charts), if built.
  int app_charts = 0;
  if (auto manifest = read_json_file(assets / "app_charts.json"); manifest && manifest->is_array())
    for (const auto& e : *manifest) {
      const std::string file = e.value("file", std::string()), section = e.value("section", std::string());
      std::string heading;
      if (section == "memory-timeline") heading = "Memory: where it goes";
      else if (section == "accuracy-e2e") heading = "Accuracy: per-layer distribution from the memory runs";
      else if (section.rfind("accuracy:", 0) == 0) heading = "Accuracy: per-layer distribution on " + section.substr(9);
      std::string bytes;
      if (!fs::exists(assets / file)) continue;
      {
        std::ifstream f(assets / file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
      }
      for (auto& sec : doc.sections)
        if (!heading.empty() && sec.heading.rfind(heading, 0) == 0) {
          sec.images.push_back({e.value("title", std::string()), "image/png", bytes, w.prefix + file});
          ++app_charts;
          break;
        }
    }
  doc.settings.push_back({"Charts", app_charts ? std::to_string(app_charts) + " drawn by the desktop application's chart classes "
                                                 "(ui/charts, offscreen), the others by bench/report/svg_chart"
                                               : "SVG, drawn by bench/report/svg_chart (the application's chart classes "
                                                 "were not built: configure with -DAQ_BUILD_GUI=ON)"});

  const std::string note = "<!-- Generated by bench/report (aq_bench_report) from " + raw.string() +
                           "; regenerate with: bash scripts/bench.sh -->\n";
  if (!write_text_file(md, note + aq::render_markdown(doc))) return 3;
  if (!write_text_file(html, aq::render_html(doc))) return 3;

  std::cout << "\nGoals (measured value, met or not):\n";
  for (const auto& g : goals)
    std::cout << "  [" << (g.status == Status::Met ? " met  " : g.status == Status::NotMet ? "NOT MET" : " n/a  ") << "] "
              << g.goal << ": " << g.measured << " (target " << g.target << ")\n";
  std::cout << "\nReport: " << md.string() << "\n        " << html.string() << "\n";
  return 0;
}
