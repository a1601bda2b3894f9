#pragma once
// Portable packing of 8 codes at a time inside a uint64 ("SWAR"): 8 codes of B bits become
// exactly B bytes, merged pairwise (8 -> 16 -> 32 -> 64-bit lanes). Shared by bit_pack.cpp and
// the AVX2 packer's tails. Layout: see bit_pack.h.
#include <bit>
#include <cstdint>
#include <cstring>

namespace aq::swar {
namespace {  // internal linkage: one copy per ISA's translation unit

static_assert(std::endian::native == std::endian::little, "the packed layout is little-endian");

/// `field` repeated every `lane` bits.
constexpr uint64_t rep(uint64_t field, int lane) {
  uint64_t r = 0;
  for (int i = 0; i < 64; i += lane) r |= field << i;
  return r;
}

/// t holds 8 codes, one per byte -> the low 8*B bits hold them packed.
template <int B>
inline uint64_t pack8(uint64_t t) {
  t &= rep((1u << B) - 1, 8);
  t = (t | (t >> (8 - B))) & rep((1u << (2 * B)) - 1, 16);
  t = (t | (t >> (16 - 2 * B))) & rep((1u << (4 * B)) - 1, 32);
  t = (t | (t >> (32 - 4 * B))) & ((uint64_t(1) << (8 * B)) - 1);
  return t;
}

/// Inverse of pack8.
template <int B>
inline uint64_t unpack8(uint64_t t) {
  t = (t | (t << (32 - 4 * B))) & rep((1u << (4 * B)) - 1, 32);
  t = (t | (t << (16 - 2 * B))) & rep((1u << (2 * B)) - 1, 16);
  t = (t | (t << (8 - B))) & rep((1u << B) - 1, 8);
  return t;
}

template <int B>
inline void pack(const uint8_t* codes, int64_t n, uint8_t* out) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t t;
    std::memcpy(&t, codes + i, 8);
    t = pack8<B>(t);
    std::memcpy(out + i / 8 * B, &t, B);
  }
  if (i < n) {  // zero-filled tail codes make the padding bits zero
    uint64_t t = 0;
    std::memcpy(&t, codes + i, std::size_t(n - i));
    t = pack8<B>(t);
    std::memcpy(out + i / 8 * B, &t, std::size_t(((n - i) * B + 7) / 8));
  }
}

template <int B>
inline void unpack(const uint8_t* packed, int64_t n, uint8_t* codes) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t t = 0;
    std::memcpy(&t, packed + i / 8 * B, B);
    t = unpack8<B>(t);
    std::memcpy(codes + i, &t, 8);
  }
  if (i < n) {
    uint64_t t = 0;
    std::memcpy(&t, packed + i / 8 * B, std::size_t(((n - i) * B + 7) / 8));
    t = unpack8<B>(t);
    std::memcpy(codes + i, &t, std::size_t(n - i));
  }
}

}  // namespace
}  // namespace aq::swar
