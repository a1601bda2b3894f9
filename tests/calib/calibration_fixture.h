#pragma once
// Writes calibration files (docs/CALIBRATION.md) with the HDF5 C API, well-formed or broken on
// purpose, and the matrices the tests put in them.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace aqtest {

struct CalLayer {
  std::string name;
  int64_t k = 0;
  int buckets = 1;
  bool diagonal = false;
  std::vector<float> data;     // [B, k, k] or [B, k]
  std::vector<double> counts;  // [B]
  // Deliberate faults:
  bool data_as_int = false;    // store `data` as 32-bit integers
  int data_rank = 0;           // nonzero: store `data` with this rank instead
  bool omit_count = false;
};

struct CalFile {
  std::string format = "arrowquant-calibration";
  bool variable_utf8 = false;  // `format` as h5py writes a str: variable-length, UTF-8
  int64_t version = 1;
  std::vector<int64_t> bucket_edges;  // empty: attribute left out
  std::vector<CalLayer> layers;
};

void write_calibration(const std::filesystem::path& path, const CalFile& file);

/// H = sum over n random input vectors x x^T, where x has strongly correlated features (a few
/// latent factors plus noise), like real activations: what compensation exploits.
std::vector<float> correlated_hessian(int64_t k, int64_t samples, uint64_t seed, float scale = 1.0f);

/// A one-bucket layer for tensor `name` with H = correlated_hessian(k, ...).
CalLayer hessian_layer(const std::string& name, int64_t k, uint64_t seed, int buckets = 1);

}  // namespace aqtest
