#pragma once
// Fixtures for the tests: temporary folders, tiny safetensors files (valid and malformed),
// deterministic random weights.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace aqtest {

/// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct FixtureTensor {
  std::string name;
  std::string dtype;  // safetensors dtype name, written as given (may be bogus on purpose)
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

std::vector<uint8_t> f32_bytes(const std::vector<float>& v);
std::vector<uint8_t> f16_bytes(const std::vector<float>& v);
std::vector<uint8_t> bf16_bytes(const std::vector<float>& v);

/// Deterministic N(0, stddev) values.
std::vector<float> gaussian(std::size_t n, uint64_t seed, float stddev = 0.02f);

/// The JSON header a well-formed file with these tensors has (data laid out in order).
std::string safetensors_header(const std::vector<FixtureTensor>& tensors,
                               const std::map<std::string, std::string>& metadata = {});
/// Writes a well-formed safetensors file.
void write_safetensors(const std::filesystem::path& path, const std::vector<FixtureTensor>& tensors,
                       const std::map<std::string, std::string>& metadata = {});
/// Writes 8-byte little-endian `header_len`, then `header`, then `data`: for malformed files.
void write_raw_safetensors(const std::filesystem::path& path, uint64_t header_len,
                           const std::string& header, const std::vector<uint8_t>& data);
std::vector<uint8_t> read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::vector<uint8_t>& bytes);

}  // namespace aqtest
