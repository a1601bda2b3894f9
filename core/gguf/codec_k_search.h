#pragma once
// Internal to core/gguf: the super-block encoders shared by ggml's K types. They choose the
// scales and codes; the per-type files (codec_k_asym.cpp, codec_k_sym.cpp) only pack them.
//
// The K types: super-blocks of 256 weights cut into sub-blocks, each sub-block with an integer
// scale (and min) code that multiplies the super-block's fp16 d (and dmin).
//   asymmetric  value = (d * sc) * c - (dmin * m)   q2_k (16 x 16, 4-bit sc/m, c 0..3)
//                                                    q4_k (8 x 32, 6-bit sc/m, c 0..15)
//                                                    q5_k (8 x 32, 6-bit sc/m, c 0..31)
//   symmetric   value = (d * sc) * q                 q3_k (16 x 16, sc -32..31, q -4..3)
//                                                    q6_k (16 x 16, sc -128..127, q -32..31)
// Encoders (docs/GGUF_TYPES.md):
//   1. per sub-block, the best real (scale, min): a grid of candidate ranges, each followed by
//      the weighted least-squares (scale, min) for its codes, then one re-quantize + refit step;
//   2. the super-block scales d, dmin from the largest sub-block values, rounded to fp16;
//   3. per sub-block, the integer scale code tried rounded down and up, the min code chosen by
//      least squares for the resulting codes, the pair with the smaller actual error kept;
//   4. least-squares refit of (d, dmin) over the whole super-block for the chosen integers, codes
//      recomputed, kept when the actual error drops; steps 3-4 run twice;
//   5. the plain encoding (min/max ranges, nearest rounding) replaces the result if it is better.
// All errors are computed with the decoder's own float operations on the fp16 values stored.
//
// The encoders are templates defined in codec_k_search_asym.cpp / codec_k_search_sym.cpp and
// instantiated there for the five types only (one call per super-block, so nothing is lost by
// not inlining them into the packers).
#include <cstdint>

#include "gguf/codec_internal.h"
#include "gguf/ggml_blocks.h"

namespace aq::gguf::codec {


/// Asymmetric super-block (value = (d * sc) * c - (dmin * m)), codes c in 0..N, sub-blocks of SUB
/// weights, scale and min codes in 0..SMAX: fills d, dmin (fp16), sc[], m[] (kQK_K / SUB each)
/// and codes c[256].
template <int N, int SUB, int SMAX>
void encode_asym_k(const float* x, const float* w, uint16_t& d_out, uint16_t& dmin_out, int* sc,
                   int* m, uint8_t* c);
extern template void encode_asym_k<3, 16, 15>(const float*, const float*, uint16_t&, uint16_t&, int*,
                                              int*, uint8_t*);  // q2_k
extern template void encode_asym_k<15, 32, 63>(const float*, const float*, uint16_t&, uint16_t&, int*,
                                               int*, uint8_t*);  // q4_k
extern template void encode_asym_k<31, 32, 63>(const float*, const float*, uint16_t&, uint16_t&, int*,
                                               int*, uint8_t*);  // q5_k

/// Symmetric super-block (value = (d * sc) * q), 16 sub-blocks of 16, q in -Q..Q-1, sc in
/// -T..T-1: fills d (fp16), sc[16] and q[256].
template <int Q, int T>
void encode_sym_k(const float* x, const float* w, uint16_t& d_out, int* sc, int8_t* q);
extern template void encode_sym_k<4, 32>(const float*, const float*, uint16_t&, int*, int8_t*);     // q3_k
extern template void encode_sym_k<32, 128>(const float*, const float*, uint16_t&, int*, int8_t*);  // q6_k

}  // namespace aq::gguf::codec
