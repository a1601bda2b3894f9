#pragma once
// The block layouts of ggml's quantized tensor types, byte for byte as a GGUF file stores them
// (ggml's published layout; docs/GGUF_TYPES.md says the same in words). All multi-byte fields are
// little-endian; `d`, `m`, `dmin` are IEEE fp16 bit patterns. A block is a plain byte image: the
// codecs memcpy blocks in and out, so a block in a file needs no particular alignment.
//
// Naming: "element e" is the e-th weight of the block (0-based), "code" the unsigned integer
// stored for it, "value" what the decoder reconstructs in float32.
#include <bit>
#include <cstddef>
#include <cstdint>

namespace aq::gguf {

static_assert(std::endian::native == std::endian::little,
              "the block structs are the file's byte image only on a little-endian host");

inline constexpr int kQK = 32;    // weights per block of the legacy types
inline constexpr int kQK_K = 256;  // weights per super-block of the K types

/// q8_0, 34 bytes / 32 weights. value[e] = d * qs[e] (qs signed, -128..127).
struct BlockQ8_0 {
  uint16_t d;
  int8_t qs[32];
};
static_assert(sizeof(BlockQ8_0) == 34);

/// q4_0, 18 bytes / 32 weights. Code c[e] (0..15): e < 16 in the low nibble of qs[e],
/// e >= 16 in the high nibble of qs[e - 16]. value[e] = (c[e] - 8) * d.
struct BlockQ4_0 {
  uint16_t d;
  uint8_t qs[16];
};
static_assert(sizeof(BlockQ4_0) == 18);

/// q4_1, 20 bytes / 32 weights. Codes as q4_0. value[e] = c[e] * d + m.
struct BlockQ4_1 {
  uint16_t d;
  uint16_t m;
  uint8_t qs[16];
};
static_assert(sizeof(BlockQ4_1) == 20);

/// q5_0, 22 bytes / 32 weights. Low 4 bits of c[e] as q4_0's nibbles; bit 4 of c[e] is bit e of
/// the little-endian uint32 qh. value[e] = (c[e] - 16) * d.
struct BlockQ5_0 {
  uint16_t d;
  uint8_t qh[4];
  uint8_t qs[16];
};
static_assert(sizeof(BlockQ5_0) == 22);

/// q5_1, 24 bytes / 32 weights. Codes as q5_0. value[e] = c[e] * d + m.
struct BlockQ5_1 {
  uint16_t d;
  uint16_t m;
  uint8_t qh[4];
  uint8_t qs[16];
};
static_assert(sizeof(BlockQ5_1) == 24);

/// q2_k, 84 bytes / 256 weights, 16 sub-blocks of 16. scales[s]: low nibble = scale code sc_s,
/// high nibble = min code m_s of sub-block s = e / 16. Code c[e] (0..3): with h = e / 128,
/// j = (e % 128) / 32, l = e % 32, c[e] = (qs[32h + l] >> 2j) & 3.
/// value[e] = (d * sc_s) * c[e] - (dmin * m_s).
struct BlockQ2_K {
  uint8_t scales[16];
  uint8_t qs[64];
  uint16_t d;
  uint16_t dmin;
};
static_assert(sizeof(BlockQ2_K) == 84);

/// q3_k, 110 bytes / 256 weights, 16 sub-blocks of 16, symmetric. Low 2 bits of the code as
/// q2_k's qs; high bit = bit (4h + j) of hmask[l] (same h, j, l). Signed quant
/// q[e] = low2 - (high bit ? 0 : 4), in -4..3. 6-bit scale codes u_s (s = e / 16): low 4 bits
/// are the low nibble of scales[s] (s < 8) or the high nibble of scales[s - 8] (s >= 8); bits
/// 4..5 are bits 2(s/4)..2(s/4)+1 of scales[8 + s%4]. value[e] = (d * (u_s - 32)) * q[e].
struct BlockQ3_K {
  uint8_t hmask[32];
  uint8_t qs[64];
  uint8_t scales[12];
  uint16_t d;
};
static_assert(sizeof(BlockQ3_K) == 110);

/// q4_k, 144 bytes / 256 weights, 8 sub-blocks of 32. 6-bit scale code sc_s and min code m_s
/// packed in 12 bytes: s < 4: sc_s = scales[s] & 63, m_s = scales[s + 4] & 63; s >= 4:
/// sc_s = (scales[s + 4] & 15) | (scales[s - 4] >> 6) << 4,
/// m_s = (scales[s + 4] >> 4) | (scales[s] >> 6) << 4. Code c[e] (0..15) with p = e / 64,
/// l = e % 32: low nibble of qs[32p + l] when e % 64 < 32, else its high nibble.
/// value[e] = (d * sc_s) * c[e] - (dmin * m_s), s = e / 32.
struct BlockQ4_K {
  uint16_t d;
  uint16_t dmin;
  uint8_t scales[12];
  uint8_t qs[128];
};
static_assert(sizeof(BlockQ4_K) == 144);

/// q5_k, 176 bytes / 256 weights. As q4_k, plus bit 4 of c[e] (0..31) = bit s of qh[e % 32],
/// s = e / 32 the sub-block.
struct BlockQ5_K {
  uint16_t d;
  uint16_t dmin;
  uint8_t scales[12];
  uint8_t qh[32];
  uint8_t qs[128];
};
static_assert(sizeof(BlockQ5_K) == 176);

/// q6_k, 210 bytes / 256 weights, 16 sub-blocks of 16, symmetric. With h = e / 128,
/// k = (e % 128) / 32, l = e % 32: low 4 bits of the code in ql[64h + 32(k % 2) + l] (low
/// nibble for k < 2, high nibble for k >= 2), high 2 bits = bits 2k..2k+1 of qh[32h + l].
/// q[e] = code - 32 (-32..31). value[e] = (d * scales[e / 16]) * q[e], scales signed int8.
struct BlockQ6_K {
  uint8_t ql[128];
  uint8_t qh[64];
  int8_t scales[16];
  uint16_t d;
};
static_assert(sizeof(BlockQ6_K) == 210);

}  // namespace aq::gguf
