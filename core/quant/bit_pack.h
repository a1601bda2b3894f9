#pragma once
// Dense packing of b-bit codes (b = 2, 3, 4, 8), one row at a time.
//
// Bit layout (scheme.h, docs/FORMAT.md): code j of a row occupies bits [j*b, j*b + b) of the
// row's bytes, little-endian: bit k lives in byte k/8 at bit position k%8. So 8 codes fill exactly
// b bytes; for b=4 byte i = c[2i] | c[2i+1] << 4, for b=2 byte i = c[4i] | c[4i+1] << 2 | ...
// The last byte's unused high bits are zero.
#include <cstdint>

namespace aq {

/// Bytes holding n codes of `bits` bits.
inline int64_t packed_bytes(int64_t n, int bits) { return (n * bits + 7) / 8; }

/// Packs n codes (each < 2^bits) into packed_bytes(n, bits) bytes at `out`.
void pack_codes(const uint8_t* codes, int64_t n, int bits, uint8_t* out);
/// Unpacks n codes from `packed` into one byte each.
void unpack_codes(const uint8_t* packed, int64_t n, int bits, uint8_t* codes);

/// AVX2 versions (bit_pack_avx2.cpp), identical output. Call only when avx2_kernels() is non-null.
void pack_codes_avx2(const uint8_t* codes, int64_t n, int bits, uint8_t* out);
void unpack_codes_avx2(const uint8_t* packed, int64_t n, int bits, uint8_t* codes);

}  // namespace aq
