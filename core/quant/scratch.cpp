// Per-thread scratch for the kernels, compiled for baseline x86-64 (see kernel_common.h).
#include <vector>

#include "quant/kernel_common.h"

namespace aq::qk {

uint8_t* scratch_bytes(int slot, int64_t n) {
  thread_local std::vector<uint8_t> buffers[2];
  std::vector<uint8_t>& b = buffers[slot];
  if (b.size() < std::size_t(n)) b.resize(std::size_t(n));
  return b.data();
}

}  // namespace aq::qk
