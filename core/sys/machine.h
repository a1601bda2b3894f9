#pragma once
// The machine a run happened on, for reports.
#include <cstdint>
#include <string>

namespace aq {

struct MachineInfo {
  std::string cpu_model;   // /proc/cpuinfo "model name"
  int logical_cores = 0;   // std::thread::hardware_concurrency
  uint64_t memory_bytes = 0;  // MemTotal
  std::string os;          // PRETTY_NAME of /etc/os-release
  bool avx2 = false;       // AVX2 + FMA + F16C usable
  std::string describe() const;  // "Intel(R) Xeon(R) Processor, 2 cores, 23.4 GiB, Debian GNU/Linux 12"
};

MachineInfo read_machine_info();

}  // namespace aq
