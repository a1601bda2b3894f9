#include "report/model_summary.h"

#include "util/display_text.h"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "io/model_source.h"
#include "report/run_report.h"

namespace aq {

ModelSummary summarize(const ModelSource& source) {
  ModelSummary s;
  s.path = source.path().string();
  s.format = std::string(source.format());
  s.files = source.files().size();
  const auto& tensors = source.tensors();
  s.tensors = tensors.size();
  std::vector<std::string> names;
  for (const auto& t : tensors) {
    s.params += t.numel();
    s.bytes += t.nbytes;
    auto& d = s.by_dtype[t.type_name()];
    ++d.tensors;
    d.params += t.numel();
    d.bytes += t.nbytes;
    if (!t.component.empty()) ++s.by_component[t.component];
    names.push_back(t.name);
  }
  s.family = guess_family(names);
  std::vector<std::size_t> order(tensors.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return tensors[a].nbytes > tensors[b].nbytes; });
  order.resize(std::min<std::size_t>(order.size(), 10));
  s.largest = order;
  s.warnings = source.warnings();
  return s;
}

nlohmann::json summary_to_json(const ModelSummary& s, const ModelSource& source) {
  nlohmann::json j = {{"path", s.path},     {"format", s.format}, {"family", std::string(family_name(s.family))},
                      {"files", s.files},   {"tensors", s.tensors}, {"params", s.params},
                      {"bytes", s.bytes},   {"warnings", s.warnings}};
  for (const auto& [dtype, d] : s.by_dtype) j["dtypes"][dtype] = {{"tensors", d.tensors}, {"params", d.params}, {"bytes", d.bytes}};
  for (const auto& [c, n] : s.by_component) j["components"][c] = n;
  j["largest"] = nlohmann::json::array();
  for (auto i : s.largest) j["largest"].push_back(source.tensors()[i].name);
  j["tensor_list"] = nlohmann::json::array();
  for (const auto& t : source.tensors())
    j["tensor_list"].push_back({{"name", t.name}, {"dtype", t.type_name()}, {"shape", t.shape},
                                {"params", t.numel()}, {"bytes", t.nbytes}, {"offset", t.offset}, {"file", t.file_index}});
  return j;
}

std::string format_summary(const ModelSummary& s, const ModelSource& source) {
  std::ostringstream o;
  char line[256];
  o << "model        " << s.path << "\n";
  o << "format       " << s.format << " (" << s.files << (s.files == 1 ? " file)" : " files)") << "\n";
  o << "family       " << family_name(s.family) << " (guessed from tensor names)\n";
  o << "tensors      " << s.tensors << "\n";
  o << "parameters   " << s.params << " (" << std::fixed;
  std::snprintf(line, sizeof line, "%.2fM", double(s.params) / 1e6);
  o << line << ")\n";
  o << "size         " << format_mb(s.bytes) << " of tensor data\n";
  if (!s.by_component.empty()) {
    o << "components  ";
    for (const auto& [c, n] : s.by_component) o << " " << c << " (" << n << ")";
    o << "\n";
  }
  o << "\ndtype   tensors      parameters          bytes\n";
  for (const auto& [dtype, d] : s.by_dtype) {
    std::snprintf(line, sizeof line, "%-7s %7zu %15lld %14s\n", dtype.c_str(), d.tensors, (long long)d.params,
                  format_mb(d.bytes).c_str());
    o << line;
  }
  o << "\nlargest tensors\n";
  for (auto i : s.largest) {
    const auto& t = source.tensors()[i];
    std::snprintf(line, sizeof line, "  %-56s %-20s %-5s %12s\n", display_text(t.name, 56).c_str(), t.shape_string().c_str(),
                  t.type_name().c_str(), format_mb(t.nbytes).c_str());
    o << line;
  }
  for (const auto& w : s.warnings) o << "warning: " << w << "\n";
  return o.str();
}

}  // namespace aq
