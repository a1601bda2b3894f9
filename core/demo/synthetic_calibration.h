#pragma once
// A deterministic synthetic calibration file (docs/CALIBRATION.md) for any model: for each float
// tensor of rank >= 2, per timestep bucket, H = X^T X of m synthetic input vectors X with the
// statistics of real activations (a few correlated factors, per-channel scales spread log-normally,
// noise). For benchmarks and tests of the calibrated path on models without a recorder.
#include <cstdint>
#include <filesystem>
#include <functional>

#include "util/result.h"

namespace aq {

class ModelSource;

struct SyntheticCalibrationOptions {
  int buckets = 1;
  uint64_t seed = 1;
  int64_t diag_above = 8192;  // wider layers get `diag` only (k x k floats would be too large)
};

/// Writes the file atomically; `progress` gets a fraction.
Status write_synthetic_calibration(const ModelSource& source, const std::filesystem::path& path,
                                   const SyntheticCalibrationOptions& options,
                                   const std::function<void(double)>& progress = {});

}  // namespace aq
