#pragma once
// The measured data of one benchmark run, read back from the raw JSON files bench.sh writes, and
// the small statistics the report needs. Nothing here estimates: absent files give empty data.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aqb {

/// One Google Benchmark case (median over repetitions when there were several).
struct KernelRow {
  std::string kind;     // "quantize", "convert", "roof"
  std::string kernels;  // "avx2" / "scalar" (quantize, convert); roof: "read" / "f16_to_f32"
  std::string dtype;    // "f16" / "f32"
  int bits = 0;
  int group = 0;  // 0: per channel
  bool symmetric = false;
  std::string method;
  int threads = 1;
  double items_per_s = 0;  // parameters per second (all threads together)
  double bytes_per_s = 0;  // input bytes per second (all threads together)
  double cv = 0;           // coefficient of variation of the time over repetitions (0 if one)
  int repetitions = 1;
  double sqnr_db = 0;
  double bpw = 0;
};

struct KernelData {
  nlohmann::json context;
  std::vector<KernelRow> rows;
  const KernelRow* find(const std::string& kind, const std::string& kernels, const std::string& dtype, int bits,
                        int group, bool sym, const std::string& method, int threads) const;
  const KernelRow* roof(const std::string& which, int threads) const;
  int max_threads() const;
};

KernelData load_kernels(const std::filesystem::path& file);

struct Summary {
  double min = 0, p10 = 0, median = 0, p90 = 0, max = 0;
  std::size_t n = 0;
};
Summary summarize(std::vector<double> v);
double median(std::vector<double> v);

}  // namespace aqb
