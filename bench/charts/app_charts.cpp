// The report's charts that the desktop application also draws, rendered offscreen by the
// application's own chart classes (ui/charts), so the report and the app show the same pictures.
//
//   aq_bench_app_charts --raw DIR --assets DIR
//
// Reads e2e.json and accuracy.json from --raw; writes PNG files and app_charts.json (a manifest
// the report generator reads: file, title, section) to --assets. Charts with no application
// counterpart (kernel bars, memory against model size, SQNR against bits per weight) are drawn
// by the report generator itself.
#include <QApplication>
#include <QImage>
#include <QString>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_io.h"
#include "common/layers.h"
#include "job/job.h"
#include "ui/charts/accuracy_chart.h"
#include "ui/charts/memory_chart.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const json& arr(const json& j, const char* key) {
  static const json empty = json::array();
  if (!j.is_object()) return empty;
  const auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : empty;
}

std::vector<aq::TensorResult> layers_to_results(const json& layers) {
  // [name, params, sqnr_db, cosine], quantized tensors in model order.
  std::vector<aq::TensorResult> out;
  for (const auto& l : layers) {
    aq::TensorResult t;
    t.index = out.size();
    t.name = l[0].get<std::string>();
    t.params = l[1].get<int64_t>();
    t.decision = aq::Decision::Quantize;
    t.metrics.sqnr_db = l[2].is_number() ? l[2].get<double>() : std::numeric_limits<double>::infinity();
    t.metrics.cosine = l[3].is_number() ? l[3].get<double>() : 1.0;
    out.push_back(std::move(t));
  }
  return out;
}

struct Out {
  fs::path assets;
  json manifest = json::array();
  void save(aqui::ChartPanel& chart, const std::string& file, const std::string& title, const std::string& section) {
    const QImage img = chart.renderImage(aqui::ChartPanel::kExportSize, 1.0);
    if (!img.save(QString::fromStdString((assets / file).string()), "PNG")) {
      std::cerr << "cannot write " << (assets / file).string() << "\n";
      return;
    }
    manifest.push_back({{"file", file}, {"title", title}, {"section", section}});
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (std::getenv("QT_QPA_PLATFORM") == nullptr) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  QApplication app(argc, argv);
  fs::path raw, assets;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--raw" && i + 1 < argc) raw = argv[++i];
    else if (a == "--assets" && i + 1 < argc) assets = argv[++i];
    else {
      std::cerr << "usage: aq_bench_app_charts --raw DIR --assets DIR\n";
      return 1;
    }
  }
  if (raw.empty() || assets.empty()) {
    std::cerr << "usage: aq_bench_app_charts --raw DIR --assets DIR\n";
    return 1;
  }
  std::error_code ec;
  fs::create_directories(assets, ec);
  Out out{assets};

  // Memory timelines of the largest model of the end-to-end runs, INT4, streaming and batch.
  if (auto e2e = aqb::read_json_file(raw / "e2e.json")) {
    std::string largest;
    double params = -1;
    for (const auto& r : arr(*e2e, "runs"))
      if (r.value("exit_code", -1) == 0 && r.contains("params") && r["params"].is_number() && r["params"].get<double>() > params) {
        params = r["params"].get<double>();
        largest = r.value("model", std::string());
      }
    for (const std::string mode : {"streaming", "batch"})
      for (const auto& r : arr(*e2e, "runs")) {
        if (r.value("group", std::string()) != "memory" || r.value("model", std::string()) != largest ||
            r.value("bits", 0) != 4 || r.value("mode", std::string()) != mode || r.value("rep", -1) != 0 ||
            r.value("exit_code", -1) != 0)
          continue;
        std::vector<aq::MemorySample> samples;
        for (const auto& p : arr(r, "timeline")) {
          aq::MemorySample s;
          s.t_s = p[0].get<double>();
          s.rss = p[1].get<uint64_t>();
          s.rss_anon = p[2].get<uint64_t>();
          s.rss_file = p[3].get<uint64_t>();
          samples.push_back(s);
        }
        aqui::MemoryChart chart;
        chart.addSamples(samples);
        out.save(chart, "app_memory_" + largest + "_" + mode + ".png",
                 "Memory during INT4 " + mode + " on " + largest + " (the application's memory chart)", "memory-timeline");
        break;
      }
    // Per-layer SQNR of the memory runs on the largest model (the only per-layer figures of the 7B shape).
    aqui::AccuracyChart chart(nullptr, "accuracy", QString::fromStdString("Per-layer SQNR on " + largest + ", g64 asym search"));
    bool any = false;
    for (int bits : {2, 4, 8})
      for (const auto& r : arr(*e2e, "runs"))
        if (r.value("group", std::string()) == "memory" && r.value("model", std::string()) == largest &&
            r.value("bits", 0) == bits && r.value("mode", std::string()) == "streaming" && r.contains("layers")) {
          chart.addResults(QString("INT%1").arg(bits), layers_to_results(r["layers"]));
          any = true;
          break;
        }
    if (any)
      out.save(chart, "app_accuracy_memory_runs_" + largest + ".png",
               "Per-layer SQNR on " + largest + " from the memory runs (the application's accuracy chart)", "accuracy-e2e");
  }

  // Per-layer SQNR of each swept model: INT4 g64 min-max against search, and INT2 / INT8 search.
  if (auto acc = aqb::read_json_file(raw / "accuracy.json"))
    for (const auto& m : arr(*acc, "models")) {
      const std::string name = m.value("name", std::string());
      aqui::AccuracyChart chart(nullptr, "accuracy", QString::fromStdString("Per-layer SQNR on " + name + ", group 64"));
      bool any = false;
      for (const auto& [bits, method] : std::vector<std::pair<int, std::string>>{{2, "search"}, {4, "minmax"}, {4, "search"}, {8, "search"}})
        for (const auto& r : arr(m, "runs"))
          if (r.value("bits", 0) == bits && r.value("group_size", -1) == 64 && r.value("method", std::string()) == method) {
            chart.addResults(QString::fromStdString("INT" + std::to_string(bits) + " " + method),
                             layers_to_results(aqb::accuracy_layers(m, r)));
            any = true;
          }
      if (any)
        out.save(chart, "app_accuracy_" + name + ".png", "Per-layer SQNR on " + name + " (the application's accuracy chart)",
                 "accuracy:" + name);
    }

  return aqb::write_json_file(assets / "app_charts.json", out.manifest) ? 0 : 3;
}
