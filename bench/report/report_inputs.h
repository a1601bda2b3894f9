#pragma once
// What every section of the benchmark report reads: the raw JSON files of one bench.sh run, the
// chart writer, and the small queries over the end-to-end runs that several sections share.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/bench_data.h"
#include "report/report_document.h"
#include "report/svg_chart.h"

namespace aqb {

inline constexpr double kMiB = 1024.0 * 1024.0;

std::string mib(double bytes);  // "12.3 MiB"
std::string group_name(int g);  // "g64", "channel"
std::string scheme_name(int bits, int group, bool sym, const std::string& method);  // "INT4 g64 asym search"
/// "a to b" (or just "a" when equal at the precision shown).
std::string span(double lo, double hi, int digits = 3);

struct Inputs {
  std::filesystem::path raw;  // the directory of the raw files, for sections that read their own
  nlohmann::json run, e2e, acc, numpy;
  KernelData k;
  bool has_e2e = false, has_acc = false, has_numpy = false;
};

/// Writes SVG charts into the assets folder and references them from the Markdown file.
struct Writer {
  std::filesystem::path assets;  // where chart files go
  std::string prefix;            // their path relative to the Markdown file
  aq::ReportImage chart(const std::string& file, const svg::Chart& c);
};

struct ModelInfo {
  std::string name;
  double params = 0, file_bytes = 0;
};

/// The models of e2e.json, smallest first.
std::vector<ModelInfo> e2e_models(const Inputs& in);
/// The successful e2e runs of a group ("memory", "scaling") matching the filters (0 / "": any).
std::vector<const nlohmann::json*> runs_where(const Inputs& in, const std::string& group, const std::string& model,
                                              int bits, const std::string& mode, const std::string& method,
                                              int threads);
double med_of(const std::vector<const nlohmann::json*>& runs, const char* key);
double max_of(const std::vector<const nlohmann::json*>& runs, const char* key);
bool is_7b(const std::string& model);
/// " (other processes took N% of the machine during this step)" when that share was noticeable.
std::string noise_note(const Inputs& in, const std::string& step);

}  // namespace aqb
