#include "quant/bit_pack.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "quant/kernels.h"

namespace {

const int kBits[] = {2, 3, 4, 8};
const int64_t kCounts[] = {0,  1,  2,  3,  7,  8,   9,   15,   16,  31,
                           32, 33, 63, 64, 65, 127, 129, 1023, 4099};

/// The layout of scheme.h written out bit by bit: bit k of the row lives in byte k/8 at k%8.
std::vector<uint8_t> reference_pack(const std::vector<uint8_t>& codes, int bits) {
  std::vector<uint8_t> out(std::size_t(aq::packed_bytes(int64_t(codes.size()), bits)), 0);
  for (std::size_t j = 0; j < codes.size(); ++j)
    for (int b = 0; b < bits; ++b)
      if ((codes[j] >> b) & 1) {
        const std::size_t k = j * std::size_t(bits) + std::size_t(b);
        out[k / 8] |= uint8_t(1u << (k % 8));
      }
  return out;
}

std::vector<uint8_t> random_codes(int64_t n, int bits, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> c(static_cast<std::size_t>(n));
  for (auto& v : c) v = uint8_t(rng() & ((1u << bits) - 1));
  return c;
}

using PackFn = void (*)(const uint8_t*, int64_t, int, uint8_t*);
using UnpackFn = void (*)(const uint8_t*, int64_t, int, uint8_t*);

void check_round_trip(PackFn pack, UnpackFn unpack) {
  for (int bits : kBits) {
    for (int64_t n : kCounts) {
      SCOPED_TRACE("bits=" + std::to_string(bits) + " n=" + std::to_string(n));
      const auto codes = random_codes(n, bits, uint64_t(n * 31 + bits));
      const auto expected = reference_pack(codes, bits);
      // Sentinels around the output catch writes past packed_bytes().
      std::vector<uint8_t> buf(expected.size() + 16, 0xa5);
      pack(codes.data(), n, bits, buf.data() + 8);
      for (int i = 0; i < 8; ++i) ASSERT_EQ(buf[std::size_t(i)], 0xa5);
      for (std::size_t i = 0; i < 8; ++i) ASSERT_EQ(buf[expected.size() + 8 + i], 0xa5);
      ASSERT_TRUE(std::equal(expected.begin(), expected.end(), buf.begin() + 8));

      std::vector<uint8_t> back(std::size_t(n) + 16, 0xa5);
      unpack(buf.data() + 8, n, bits, back.data());
      ASSERT_TRUE(std::equal(codes.begin(), codes.end(), back.begin()));
      for (std::size_t i = 0; i < 16; ++i) ASSERT_EQ(back[std::size_t(n) + i], 0xa5);
    }
  }
}

TEST(BitPack, PortableMatchesLayoutAndRoundTrips) {
  check_round_trip(aq::pack_codes, aq::unpack_codes);
}

TEST(BitPack, Avx2MatchesLayoutAndRoundTrips) {
  if (!aq::avx2_kernels()) GTEST_SKIP() << "CPU lacks AVX2/FMA/F16C";
  check_round_trip(aq::pack_codes_avx2, aq::unpack_codes_avx2);
}

TEST(BitPack, FourBitNibbleOrder) {
  // Element 0 is the low nibble: codes {1, 2} -> 0x21.
  const uint8_t codes[] = {1, 2, 15};
  uint8_t out[2] = {0xff, 0xff};
  aq::pack_codes(codes, 3, 4, out);
  EXPECT_EQ(out[0], 0x21);
  EXPECT_EQ(out[1], 0x0f);  // padding bits are zero
}

TEST(BitPack, ThreeBitCrossesBytes) {
  // 3-bit codes 7,0,5: bits 0-2 = 111, 3-5 = 000, 6-8 = 101 -> byte0 = 0b01000111, byte1 = 0b1.
  const uint8_t codes[] = {7, 0, 5};
  uint8_t out[2] = {0xff, 0xff};
  aq::pack_codes(codes, 3, 3, out);
  EXPECT_EQ(out[0], 0x47);
  EXPECT_EQ(out[1], 0x01);
}

}  // namespace
