#pragma once
// The machine's roof, measured with the simplest code that can reach it (roof_avx2.cpp is built
// with -mavx2 -mf16c; callers check aq::avx2_kernels() first).
#include <cstddef>
#include <cstdint>

namespace aqb {

/// Reads n bytes (n a multiple of 128, p 32-byte aligned) with 256-bit loads; returns a checksum so
/// the loads cannot be dropped.
uint64_t read_stream_avx2(const void* p, std::size_t n);
/// The same with 64-bit loads, for machines without AVX2.
uint64_t read_stream_scalar(const void* p, std::size_t n);
/// fp16 -> fp32 with F16C, 8 at a time (n a multiple of 32).
void f16_to_f32_f16c(const uint16_t* src, float* dst, std::size_t n);

}  // namespace aqb
