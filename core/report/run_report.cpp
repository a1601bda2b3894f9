#include "report/run_report.h"

#include "util/display_text.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "sys/machine.h"

namespace aq {

nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string format_mb(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f MB", double(bytes) / 1e6);
  return buf;
}

std::string format_mib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / (1024.0 * 1024.0));
  return buf;
}

namespace {

nlohmann::json scheme_json(const QuantScheme& s) {
  if (s.is_ggml()) return {{"ggml_type", s.describe()}};
  return {{"bits", s.bits}, {"group_size", s.group_size}, {"symmetric", s.symmetric},
          {"method", std::string(method_name(s.method))}};
}

nlohmann::json tensor_json(const TensorResult& t) {
  nlohmann::json j = {{"name", t.name},
                      {"dtype", t.dtype},
                      {"shape", t.shape},
                      {"decision", std::string(decision_name(t.decision))},
                      {"reason", t.reason},
                      {"params", t.params},
                      {"input_bytes", t.input_bytes},
                      {"output_bytes", t.output_bytes},
                      {"bits_per_weight", t.bits_per_weight},
                      {"seconds", t.seconds},
                      {"mb_per_s", t.mb_per_s}};
  if (t.quantized()) {
    j["scheme"] = scheme_json(t.scheme);
    j["cosine"] = json_number(t.metrics.cosine);
    j["rel_error"] = json_number(t.metrics.rel_fro_error);
    j["sqnr_db"] = json_number(t.metrics.sqnr_db);
    j["max_abs_error"] = json_number(t.metrics.max_abs_error);
  }
  if (t.output_error) {
    const OutputError& e = *t.output_error;
    nlohmann::json buckets = nlohmann::json::array();
    for (double v : e.bucket_relative) buckets.push_back(json_number(v));
    j["output_error"] = {{"relative", json_number(e.relative)}, {"sqnr_db", json_number(e.sqnr_db)},
                         {"bucket_relative", buckets}, {"damping", e.damping}, {"compensated", e.compensated}};
  }
  return j;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s;
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string fixed(double v, int decimals) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

nlohmann::json budget_to_json(const BudgetSummary& b) {
  auto points = [](const std::vector<BudgetPoint>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& p : v) a.push_back({p.bytes, json_number(p.error)});
    return a;
  };
  return {{"algorithm", "greedy on marginal error per byte over lower convex hulls, then fill"},
          {"target_bytes", b.target_bytes},
          {"target_bits_per_weight", b.bits_per_weight(b.target_bytes)},
          {"fixed_bytes", b.fixed_bytes},
          {"params", b.params},
          {"tensors", b.tensors},
          {"error", b.error_kind},
          {"chosen", {{"bytes", b.chosen.bytes}, {"bits_per_weight", b.bits_per_weight(b.chosen.bytes)},
                      {"error", json_number(b.chosen.error)}}},
          {"path", points(b.path)},
          {"frontier", points(b.frontier)}};
}

nlohmann::json run_to_json(const JobResult& r) {
  const MachineInfo m = read_machine_info();
  const TensorMetrics total = metrics_from(r.quantized_error_sums);
  nlohmann::json j;
  j["tool"] = {{"name", "arrowquant"}, {"version", AQ_VERSION}};
  j["machine"] = {{"cpu", m.cpu_model}, {"cores", m.logical_cores}, {"memory_bytes", m.memory_bytes}, {"os", m.os}};
  j["status"] = std::string(status_name(r.status));
  if (r.status != JobStatus::Succeeded)
    j["error"] = {{"kind", std::string(error_kind_name(r.error.kind))}, {"file", r.error.file},
                  {"tensor", r.error.tensor}, {"reason", r.error.reason}, {"message", r.error.message()}};
  j["settings"] = {{"input", r.config.input.string()},
                   {"output", r.config.output.string()},
                   {"scheme", scheme_json(r.config.plan.scheme)},
                   {"mode", std::string(mode_name(r.config.mode))},
                   {"threads", r.threads},
                   {"kernels", r.kernels}};
  if (r.config.calibration.enabled()) {
    const auto& c = r.config.calibration;
    j["settings"]["calibration"] = {{"file", c.file.string()}, {"damping", c.gptq.damping},
                                    {"act_order", c.gptq.act_order}, {"compensate", c.gptq.compensate},
                                    {"timestep_weights", c.timestep_weights}};
  }
  j["model"] = {{"format", r.source_format}, {"family", std::string(family_name(r.family))}};
  j["totals"] = {{"tensors", r.tensors.size()},
                 {"params", r.params},
                 {"quantized_params", r.quantized_params},
                 {"input_bytes", r.input_bytes},
                 {"output_bytes", r.output_bytes},
                 {"output_file_bytes", r.output_file_bytes},
                 {"compression_ratio", r.compression_ratio()},
                 {"bits_per_weight", r.bits_per_weight()},
                 {"wall_s", r.wall_s},
                 {"mb_per_s", r.mb_per_s()},
                 {"peak_rss_bytes", r.peak_rss},
                 {"cosine", json_number(total.cosine)},
                 {"rel_error", json_number(total.rel_fro_error)},
                 {"sqnr_db", json_number(total.sqnr_db)}};
  j["tensors"] = nlohmann::json::array();
  for (const auto& t : r.tensors) j["tensors"].push_back(tensor_json(t));
  j["memory"] = nlohmann::json::array();
  for (const auto& s : r.memory)
    j["memory"].push_back({{"t_s", s.t_s}, {"rss", s.rss}, {"rss_anon", s.rss_anon}, {"rss_file", s.rss_file}, {"peak", s.peak}});
  j["warnings"] = r.warnings;
  if (r.budget) j["budget"] = budget_to_json(*r.budget);
  return j;
}

void write_tensor_csv(const JobResult& r, std::ostream& out) {
  out << "name,dtype,shape,decision,reason,bits,group_size,symmetric,method,params,input_bytes,output_bytes,"
         "bits_per_weight,cosine,rel_error,sqnr_db,max_abs_error,seconds,mb_per_s,output_rel_error,output_sqnr_db\n";
  for (const auto& t : r.tensors) {
    out << csv_quote(t.name) << ',' << t.dtype << ',' << shape_text(t.shape) << ',' << decision_name(t.decision) << ','
        << csv_quote(t.reason) << ',';
    if (t.quantized())
      out << t.scheme.bits << ',' << t.scheme.group_size << ',' << (t.scheme.symmetric ? "true" : "false") << ','
          << method_name(t.scheme.method) << ',';
    else
      out << ",,,,";
    out << t.params << ',' << t.input_bytes << ',' << t.output_bytes << ',' << fixed(t.bits_per_weight, 4) << ',';
    if (t.quantized())
      out << fixed(t.metrics.cosine, 8) << ',' << fixed(t.metrics.rel_fro_error, 8) << ',' << fixed(t.metrics.sqnr_db, 4)
          << ',' << fixed(t.metrics.max_abs_error, 8) << ',';
    else
      out << ",,,,";
    out << fixed(t.seconds, 6) << ',' << fixed(t.mb_per_s, 2) << ',';
    if (t.output_error) out << fixed(t.output_error->relative, 8) << ',' << fixed(t.output_error->sqnr_db, 4);
    else out << ',';
    out << '\n';
  }
}

std::string format_tensor_table(const JobResult& r) {
  // The output-error column appears when a calibration file gave any tensor one.
  bool calibrated = false;
  for (const auto& t : r.tensors) calibrated = calibrated || t.output_error.has_value();
  std::ostringstream o;
  char line[512];
  std::snprintf(line, sizeof line, "%-44s %-14s %-5s %-19s %8s %9s %9s %6s %9s%s\n", "tensor", "shape", "dtype", "plan",
                "cosine", "SQNR dB", "rel err", "bpw", "MB/s", calibrated ? "  out SQNR" : "");
  o << line;
  for (const auto& t : r.tensors) {
    std::string name = escape_text(t.name);
    if (name.size() > 44) name = "..." + name.substr(name.size() - 41);
    std::string plan;
    if (t.quantized()) {
      plan = t.scheme.is_ggml() ? t.scheme.describe()
                                : "INT" + std::to_string(t.scheme.bits) + " " +
                                      (t.scheme.group_size ? "g" + std::to_string(t.scheme.group_size) : std::string("chan")) +
                                      (t.scheme.symmetric ? " sym" : " asym");
      const std::string out_sqnr = !calibrated ? "" : t.output_error ? "  " + fixed(t.output_error->sqnr_db, 2) : "  data-free";
      std::snprintf(line, sizeof line, "%-44s %-14s %-5s %-19s %8s %9s %9s %6.2f %9.1f%s\n", name.c_str(),
                    shape_text(t.shape).c_str(), t.dtype.c_str(), plan.c_str(), fixed(t.metrics.cosine, 5).c_str(),
                    fixed(t.metrics.sqnr_db, 2).c_str(), fixed(t.metrics.rel_fro_error, 4).c_str(), t.bits_per_weight,
                    t.mb_per_s, out_sqnr.c_str());
    } else {
      plan = std::string(decision_name(t.decision));
      std::snprintf(line, sizeof line, "%-44s %-14s %-5s %-19s %8s %9s %9s %6.2f %9s  %s\n", name.c_str(),
                    shape_text(t.shape).c_str(), t.dtype.c_str(), plan.c_str(), "-", "-", "-", t.bits_per_weight, "-",
                    t.reason.c_str());
    }
    o << line;
  }
  return o.str();
}

std::string format_totals(const JobResult& r) {
  const TensorMetrics total = metrics_from(r.quantized_error_sums);
  std::size_t quantized = 0;
  for (const auto& t : r.tensors) quantized += t.quantized() ? 1 : 0;
  std::ostringstream o;
  o << "tensors      " << r.tensors.size() << " (" << quantized << " quantized, " << r.tensors.size() - quantized
    << " kept)\n";
  o << "parameters   " << r.params << " (" << r.quantized_params << " quantized)\n";
  o << "size         " << format_mb(r.input_bytes) << " -> " << format_mb(r.output_bytes) << " of tensor data ("
    << fixed(r.compression_ratio(), 2) << "x, " << fixed(r.bits_per_weight(), 3) << " bits/weight)";
  if (r.output_file_bytes) o << ", file " << format_mb(r.output_file_bytes);
  o << "\n";
  o << "accuracy     cosine " << fixed(total.cosine, 6) << ", SQNR " << fixed(total.sqnr_db, 2) << " dB, rel error "
    << fixed(total.rel_fro_error, 5) << " (all quantized weights)\n";
  o << "time         " << fixed(r.wall_s, 3) << " s, " << fixed(r.mb_per_s(), 1) << " MB/s, " << r.threads
    << " threads, " << r.kernels << " kernels, " << mode_name(r.config.mode) << " mode\n";
  o << "peak memory  " << format_mib(r.peak_rss) << " resident (process peak, VmHWM)\n";
  return o.str();
}

}  // namespace aq
