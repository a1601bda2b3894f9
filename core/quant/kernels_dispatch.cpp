#include <cstdlib>
#include <cstring>

#include "quant/kernel_common.h"
#include "quant/kernels.h"

namespace aq {

const KernelSet& scalar_kernels() { return qk::kScalarKernels; }

const KernelSet* avx2_kernels() {
  // libgcc's check includes the OS saving YMM state (XGETBV), not just the CPUID bits.
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                         __builtin_cpu_supports("f16c");
  return ok ? &qk::kAvx2Kernels : nullptr;
}

const KernelSet& best_kernels() {
  static const KernelSet* best = [] {
    const char* env = std::getenv("AQ_KERNELS");
    if (env && std::strcmp(env, "scalar") == 0) return &qk::kScalarKernels;
    const KernelSet* avx2 = avx2_kernels();
    return avx2 ? avx2 : &qk::kScalarKernels;
  }();
  return *best;
}

}  // namespace aq
