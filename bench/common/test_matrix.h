#pragma once
// Deterministic test matrices for the benchmarks: the heavy-tailed and Gaussian matrices of
// issue 4 (accuracy) and the kernel benchmark's input. Same seed, same numbers, on any machine.
#include <cstdint>
#include <vector>

namespace aqb {

/// Student-t with 4 degrees of freedom scaled to standard deviation `stddev`; a fraction
/// `outlier_fraction` of the elements (chosen at random) is replaced by +-`outlier_sigmas` * stddev.
std::vector<float> heavy_tailed_matrix(int64_t rows, int64_t cols, float stddev, double outlier_fraction,
                                       float outlier_sigmas, uint64_t seed);

/// Normal(0, stddev^2).
std::vector<float> gaussian_matrix(int64_t rows, int64_t cols, float stddev, uint64_t seed);

/// Round to nearest even fp16 bit patterns.
std::vector<uint16_t> to_fp16(const std::vector<float>& x);
/// fp16 bit patterns back to float (exact).
std::vector<float> from_fp16(const std::vector<uint16_t>& h);

}  // namespace aqb
