// Benchmark report generator: raw JSON of one bench.sh run -> docs/BENCHMARK_REPORT.md, an HTML
// version with the same content and SVG charts.
//
//   aq_bench_report --raw DIR --md FILE.md --html FILE.html --assets DIR
//   aq_bench_report --record-machine FILE.json
//
// DIR holds run.json (bench.sh: profile, commands, timings), machine.json, kernels.json (Google
// Benchmark), numpy.json, e2e.json, accuracy.json, gptq.json, calibration.json and
// e2e_quality.json. Every figure printed comes from those files; a missing file makes its section
// say so. Each section is its own file (section_*.cpp); the goal thresholds are in goal_targets.h.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_io.h"
#include "report/machine_record.h"
#include "report/report_document.h"
#include "report/report_inputs.h"
#include "report/report_text.h"
#include "report/section_accuracy.h"
#include "report/section_calibration.h"
#include "report/section_e2e_quality.h"
#include "report/section_gguf.h"
#include "report/section_goals.h"
#include "report/section_memory.h"
#include "report/section_provenance.h"
#include "report/section_speed.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace aqb;

namespace {

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
