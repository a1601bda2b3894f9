#pragma once
// Resident memory of this process, read from /proc/self/status.
#include <cstdint>

namespace aq {

struct ProcessMemory {
  uint64_t rss = 0;       // VmRSS
  uint64_t peak = 0;      // VmHWM
  uint64_t rss_anon = 0;  // RssAnon
  uint64_t rss_file = 0;  // RssFile
};

ProcessMemory read_process_memory();

}  // namespace aq
