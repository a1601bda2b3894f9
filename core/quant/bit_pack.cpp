#include "quant/bit_pack.h"

#include <cstring>

#include "quant/bit_pack_swar.h"

namespace aq {

void pack_codes(const uint8_t* codes, int64_t n, int bits, uint8_t* out) {
  switch (bits) {
    case 8:
      if (n > 0) std::memcpy(out, codes, std::size_t(n));
      return;
    case 4:
      swar::pack<4>(codes, n, out);
      return;
    case 3:
      swar::pack<3>(codes, n, out);
      return;
    case 2:
      swar::pack<2>(codes, n, out);
      return;
    default:
      return;
  }
}

void unpack_codes(const uint8_t* packed, int64_t n, int bits, uint8_t* codes) {
  switch (bits) {
    case 8:
      if (n > 0) std::memcpy(codes, packed, std::size_t(n));
      return;
    case 4:
      swar::unpack<4>(packed, n, codes);
      return;
    case 3:
      swar::unpack<3>(packed, n, codes);
      return;
    case 2:
      swar::unpack<2>(packed, n, codes);
      return;
    default:
      return;
  }
}

}  // namespace aq
