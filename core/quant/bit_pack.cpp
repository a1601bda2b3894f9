#include "quant/bit_pack.h"

#include <cstdio>
#include <exception>

#include "quant/scheme_traits.h"

namespace aq {
namespace {

// Schemes are validated (scheme_traits.h) before any kernel runs: an unknown width here is a bug,
// and writing nothing for it would corrupt the output silently.
const SchemeTraits& traits_or_die(int bits) {
  const SchemeTraits* t = find_scheme(bits);
  if (!t) {
    std::fprintf(stderr, "arrowquant: internal error: no packer for %d-bit codes\n", bits);
    std::terminate();
  }
  return *t;
}

}  // namespace

void pack_codes(const uint8_t* codes, int64_t n, int bits, uint8_t* out) { traits_or_die(bits).pack(codes, n, out); }

void unpack_codes(const uint8_t* packed, int64_t n, int bits, uint8_t* codes) {
  traits_or_die(bits).unpack(packed, n, codes);
}

}  // namespace aq
