#include "report/report_inputs.h"

#include <algorithm>
#include <cmath>
#include <iostream>

#include "common/json_io.h"
#include "report/report_text.h"

namespace aqb {

using nlohmann::json;

std::string mib(double bytes) { return fmt(bytes / kMiB, 1) + " MiB"; }
std::string group_name(int g) { return g == 0 ? "channel" : "g" + std::to_string(g); }
std::string scheme_name(int bits, int group, bool sym, const std::string& method) {
  return "INT" + std::to_string(bits) + " " + group_name(group) + " " + (sym ? "sym" : "asym") + " " + method;
}
/// "a to b" (or just "a" when equal at the precision shown).
std::string span(double lo, double hi, int digits) {
  const std::string a = sig(lo, digits), b = sig(hi, digits);
  return a == b ? a : a + " to " + b;
}

aq::ReportImage Writer::chart(const std::string& file, const svg::Chart& c) {
  aq::ReportImage img;
  img.title = c.title;
  img.mime = "image/svg+xml";
  img.bytes = svg::render(c);
  img.file_name = prefix + file;
  if (!write_text_file(assets / file, img.bytes)) std::cerr << "cannot write chart " << file << "\n";
  return img;
}

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

std::string noise_note(const Inputs& in, const std::string& step) {
  for (const auto& st : arr(in.run, "steps"))
    if (st.value("name", std::string()) == step) {
      const double o = num(st, "others_cpu_percent");
      if (std::isfinite(o) && o >= 5) return " (other processes took " + fmt(o, 0) + "% of the machine during this step)";
    }
  return "";
}

}  // namespace aqb
