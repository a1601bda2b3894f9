#include "report/machine_record.h"

#include <fstream>

#include "common/json_io.h"
#include "report/report_text.h"

namespace aqb {
namespace {

/// Family / model / stepping and the flags that matter here, from /proc/cpuinfo (a hypervisor may
/// hide the marketing name, as KVM does).
std::string cpu_details() {
  std::ifstream in("/proc/cpuinfo");
  std::string family, model, stepping, flags;
  for (std::string line; std::getline(in, line);) {
    auto val = [&] { const auto p = line.find(':'); return p == std::string::npos ? std::string() : line.substr(p + 2); };
    if (line.rfind("cpu family", 0) == 0 && family.empty()) family = val();
    else if (line.rfind("model\t", 0) == 0 && model.empty()) model = val();
    else if (line.rfind("stepping", 0) == 0 && stepping.empty()) stepping = val();
    else if (line.rfind("flags", 0) == 0 && flags.empty()) flags = " " + val() + " ";
  }
  std::string out = "family " + family + ", model " + model + ", stepping " + stepping + "; ";
  std::string have;
  for (const char* f : {"avx2", "fma", "f16c", "avx512f", "avx512_fp16", "hypervisor"})
    if (flags.find(std::string(" ") + f + " ") != std::string::npos) have += std::string(have.empty() ? "" : " ") + f;
  return out + "flags: " + have;
}

}  // namespace

RecordedMachine this_machine() { return {aq::read_machine_info(), cpu_details()}; }

bool write_machine_record(const std::filesystem::path& file, const RecordedMachine& m) {
  const nlohmann::json j = {{"cpu_model", m.info.cpu_model}, {"logical_cores", m.info.logical_cores},
                            {"memory_bytes", m.info.memory_bytes}, {"os", m.info.os},
                            {"avx2", m.info.avx2}, {"cpu_details", m.cpu_details}};
  return write_json_file(file.string(), j);
}

std::optional<RecordedMachine> read_machine_record(const std::filesystem::path& file) {
  const auto j = read_json_file(file);
  if (!j || !j->is_object()) return std::nullopt;
  RecordedMachine m;
  m.info.cpu_model = str(*j, "cpu_model", "?");
  m.info.logical_cores = int(num(*j, "logical_cores", 0));
  m.info.memory_bytes = uint64_t(num(*j, "memory_bytes", 0));
  m.info.os = str(*j, "os", "?");
  m.info.avx2 = j->value("avx2", false);
  m.cpu_details = str(*j, "cpu_details", "?");
  return m;
}

}  // namespace aqb
