#pragma once
// Calibration files for the GUI tests' small models, written with tests/calib's HDF5 writer.
#include <filesystem>
#include <string>
#include <vector>

#include "plan/plan.h"

namespace guitest {

/// A calibration file (docs/CALIBRATION.md) for every tensor `plan` quantizes in `model`: per
/// bucket, H from correlated inputs; bucket_edges 0, 10, 20, ...; the last bucket of the first
/// layer is empty (count 0), so the heat map has a missing cell. Returns the layers' names, in
/// model order.
std::vector<std::string> writeCalibrationFor(const std::filesystem::path& model, const aq::PlanOptions& plan,
                                             const std::filesystem::path& out, int buckets = 3);

/// The small DiT of writeSmallDit(path, 64, 2) as `dir`/small.safetensors and a calibration file
/// for it at the default run settings (3 buckets) as `dir`/cal.h5, with its layers' names.
struct CalibratedModel {
  std::filesystem::path model, calibration;
  std::vector<std::string> layers;
};
CalibratedModel writeCalibratedSmallDit(const std::filesystem::path& dir);

}  // namespace guitest
