#include "report/bench_data.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/json_io.h"

namespace aqb {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string x; std::getline(in, x, sep);) out.push_back(x);
  return out;
}

/// "quantize/avx2/f16/int4/g64/asym/minmax/real_time/threads:2" and friends.
bool parse_name(const std::string& name, KernelRow& r) {
  const auto parts = split(name, '/');
  if (parts.empty()) return false;
  r.kind = parts[0];
  for (const auto& p : parts)
    if (p.rfind("threads:", 0) == 0) r.threads = std::stoi(p.substr(8));
  if (r.kind == "roof" && parts.size() >= 2) {
    r.kernels = parts[1];
    return true;
  }
  if (r.kind == "convert" && parts.size() >= 3) {
    r.kernels = parts[1];
    r.dtype = parts[2];
    return true;
  }
  if (r.kind == "quantize" && parts.size() >= 7) {
    r.kernels = parts[1];
    r.dtype = parts[2];
    r.bits = std::stoi(parts[3].substr(3));
    r.group = parts[4] == "gch" ? 0 : std::stoi(parts[4].substr(1));
    r.symmetric = parts[5] == "sym";
    r.method = parts[6];
    return true;
  }
  return false;
}

}  // namespace

const KernelRow* KernelData::find(const std::string& kind, const std::string& kernels, const std::string& dtype,
                                  int bits, int group, bool sym, const std::string& method, int threads) const {
  for (const auto& r : rows)
    if (r.kind == kind && r.kernels == kernels && r.dtype == dtype && r.bits == bits && r.group == group &&
        r.symmetric == sym && r.method == method && r.threads == threads)
      return &r;
  return nullptr;
}

const KernelRow* KernelData::roof(const std::string& which, int threads) const {
  for (const auto& r : rows)
    if (r.kind == "roof" && r.kernels == which && r.threads == threads) return &r;
  return nullptr;
}

int KernelData::max_threads() const {
  int t = 1;
  for (const auto& r : rows) t = std::max(t, r.threads);
  return t;
}

KernelData load_kernels(const std::filesystem::path& file) {
  KernelData d;
  d.context = nlohmann::json::object();
  auto j = read_json_file(file);
  if (!j || !j->is_object()) return d;
  if (j->contains("context") && (*j)["context"].is_object()) d.context = (*j)["context"];
  if (!j->contains("benchmarks") || !(*j)["benchmarks"].is_array()) return d;
  // Medians when repeated, else the single iteration run; cv from the "cv" aggregate.
  std::map<std::string, KernelRow> by_name;
  std::map<std::string, double> cvs;
  std::map<std::string, bool> has_median;
  for (const auto& b : (*j)["benchmarks"]) {
    const std::string run = b.value("run_name", b.value("name", std::string()));
    const std::string type = b.value("run_type", std::string("iteration"));
    const std::string agg = b.value("aggregate_name", std::string());
    if (b.contains("error_occurred") && b["error_occurred"].get<bool>()) continue;
    if (type == "aggregate" && agg == "cv") {
      cvs[run] = b.value("real_time", 0.0);
      continue;
    }
    const bool is_median = type == "aggregate" && agg == "median";
    if (type == "aggregate" && !is_median) continue;
    if (!is_median && has_median[run]) continue;
    KernelRow r;
    if (!parse_name(run, r)) continue;
    r.threads = b.value("threads", r.threads);
    r.items_per_s = b.value("items_per_second", 0.0);
    r.bytes_per_s = b.value("bytes_per_second", 0.0);
    r.repetitions = b.value("repetitions", 1);
    r.sqnr_db = b.value("sqnr_db", 0.0);
    r.bpw = b.value("bpw", 0.0);
    if (is_median || !by_name.count(run)) by_name[run] = r;
    if (is_median) has_median[run] = true;
  }
  for (auto& [name, r] : by_name) {
    if (cvs.count(name)) r.cv = cvs[name];
    d.rows.push_back(r);
  }
  return d;
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Summary summarize(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  Summary s;
  s.n = v.size();
  if (v.empty()) {
    s.min = s.p10 = s.median = s.p90 = s.max = std::nan("");
    return s;
  }
  std::sort(v.begin(), v.end());
  auto q = [&](double p) {  // linear interpolation between closest ranks
    const double pos = p * double(v.size() - 1);
    const std::size_t lo = std::size_t(std::floor(pos)), hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
  };
  s.min = v.front();
  s.max = v.back();
  s.p10 = q(0.1);
  s.median = q(0.5);
  s.p90 = q(0.9);
  return s;
}

}  // namespace aqb
