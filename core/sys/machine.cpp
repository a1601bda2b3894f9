#include "sys/machine.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

namespace aq {

MachineInfo read_machine_info() {
  MachineInfo m;
  m.logical_cores = int(std::thread::hardware_concurrency());
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("model name", 0) == 0) {
      auto p = line.find(':');
      if (p != std::string::npos) m.cpu_model = line.substr(p + 2);
      break;
    }
  }
  std::ifstream mem("/proc/meminfo");
  for (std::string line; std::getline(mem, line);) {
    unsigned long long kb = 0;
    if (std::sscanf(line.c_str(), "MemTotal: %llu kB", &kb) == 1) m.memory_bytes = kb * 1024;
  }
  std::ifstream osr("/etc/os-release");
  for (std::string line; std::getline(osr, line);) {
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      m.os = line.substr(12);
      if (m.os.size() >= 2 && m.os.front() == '"') m.os = m.os.substr(1, m.os.size() - 2);
    }
  }
  __builtin_cpu_init();
  m.avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return m;
}

std::string MachineInfo::describe() const {
  char mem[32];
  std::snprintf(mem, sizeof mem, "%.1f GiB", double(memory_bytes) / (1024.0 * 1024 * 1024));
  return cpu_model + ", " + std::to_string(logical_cores) + " cores, " + mem + ", " + os +
         (avx2 ? ", AVX2" : ", no AVX2");
}

}  // namespace aq
