#include "report/section_memory.h"

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

}  // namespace aqb
