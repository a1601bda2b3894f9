#include "report/section_speed.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "common/json_io.h"
#include "common/layers.h"
#include "report/report_text.h"

namespace aqb {

namespace fs = std::filesystem;
using nlohmann::json;

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

}  // namespace aqb
