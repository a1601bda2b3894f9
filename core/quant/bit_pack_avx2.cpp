// 32 codes per step for 4 and 2 bits; 3 bits and the tails use the portable SWAR path.
#include <immintrin.h>

#include <cstring>

#include "quant/bit_pack.h"
#include "quant/bit_pack_swar.h"

namespace aq {

namespace {

// maddubs multiplies unsigned code bytes by signed weights and adds adjacent pairs:
// weights (1, 16) give c0 | c1 << 4, weights (1, 4) give c0 | c1 << 2.
void pack4(const uint8_t* codes, int64_t n, uint8_t* out) {
  const __m256i low4 = _mm256_set1_epi8(0x0f), w = _mm256_set1_epi16(0x1001);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_and_si256(_mm256_loadu_si256((const __m256i*)(codes + i)), low4);
    const __m256i pairs = _mm256_maddubs_epi16(v, w);
    const __m256i bytes = _mm256_packus_epi16(pairs, pairs);  // lane halves: bytes 0-7 | 8-15
    _mm_storeu_si128((__m128i*)(out + i / 2),
                     _mm256_castsi256_si128(_mm256_permute4x64_epi64(bytes, 0x08)));
  }
  swar::pack<4>(codes + i, n - i, out + i / 2);
}

void pack2(const uint8_t* codes, int64_t n, uint8_t* out) {
  const __m256i low2 = _mm256_set1_epi8(0x03), w = _mm256_set1_epi16(0x0401);
  const __m256i w16 = _mm256_set1_epi32(0x00100001);
  const __m256i first_byte =
      _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12, -1,
                       -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m256i gather = _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_and_si256(_mm256_loadu_si256((const __m256i*)(codes + i)), low2);
    const __m256i quads = _mm256_madd_epi16(_mm256_maddubs_epi16(v, w), w16);  // 8 bits / dword
    const __m256i bytes =
        _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(quads, first_byte), gather);
    _mm_storel_epi64((__m128i*)(out + i / 4), _mm256_castsi256_si128(bytes));
  }
  swar::pack<2>(codes + i, n - i, out + i / 4);
}

void unpack4(const uint8_t* packed, int64_t n, uint8_t* codes) {
  const __m128i low4 = _mm_set1_epi8(0x0f);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m128i b = _mm_loadu_si128((const __m128i*)(packed + i / 2));
    const __m128i lo = _mm_and_si128(b, low4);
    const __m128i hi = _mm_and_si128(_mm_srli_epi16(b, 4), low4);
    _mm_storeu_si128((__m128i*)(codes + i), _mm_unpacklo_epi8(lo, hi));
    _mm_storeu_si128((__m128i*)(codes + i + 16), _mm_unpackhi_epi8(lo, hi));
  }
  swar::unpack<4>(packed + i / 2, n - i, codes + i);
}

}  // namespace

void pack_codes_avx2(const uint8_t* codes, int64_t n, int bits, uint8_t* out) {
  switch (bits) {
    case 8:
      if (n > 0) std::memcpy(out, codes, std::size_t(n));
      return;
    case 4:
      pack4(codes, n, out);
      return;
    case 3:
      swar::pack<3>(codes, n, out);
      return;
    case 2:
      pack2(codes, n, out);
      return;
    default:  // widths without an AVX2 packer: the table's portable one (which refuses unknown widths)
      pack_codes(codes, n, bits, out);
      return;
  }
}

void unpack_codes_avx2(const uint8_t* packed, int64_t n, int bits, uint8_t* codes) {
  switch (bits) {
    case 8:
      if (n > 0) std::memcpy(codes, packed, std::size_t(n));
      return;
    case 4:
      unpack4(packed, n, codes);
      return;
    case 3:
      swar::unpack<3>(packed, n, codes);
      return;
    case 2:
      swar::unpack<2>(packed, n, codes);
      return;
    default:
      unpack_codes(packed, n, bits, codes);
      return;
  }
}

}  // namespace aq
