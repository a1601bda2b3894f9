#pragma once
// splitmix64: a tiny, fast generator, good enough to give each row of a synthetic tensor its own
// reproducible stream (so results do not depend on the thread count). Shared by the synthetic
// models and the benchmarks' test matrices.
#include <cstdint>

namespace aq {

struct SplitMix64 {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

}  // namespace aq
