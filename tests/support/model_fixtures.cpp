#include "model_fixtures.h"

#include <string>

namespace aqtest {

std::vector<FixtureTensor> mini_dit_tensors(uint64_t seed) {
  const int64_t h = 96;
  std::vector<FixtureTensor> t;
  auto matrix = [&](const std::string& name, int64_t rows, int64_t cols, const std::string& dtype = "F16") {
    auto v = gaussian(std::size_t(rows * cols), seed + t.size(), 0.02f);
    for (int64_t r = 0; r < rows; ++r) v[std::size_t(r * cols + 3 % cols)] *= 12.0f;  // an outlier input channel
    t.push_back({name, dtype, {rows, cols}, dtype == "F32" ? f32_bytes(v) : dtype == "BF16" ? bf16_bytes(v) : f16_bytes(v)});
  };
  auto vector = [&](const std::string& name, int64_t n) {
    t.push_back({name, "F16", {n}, f16_bytes(gaussian(std::size_t(n), seed + t.size(), 0.01f))});
  };
  t.push_back({"pos_embed", "F16", {1, 16, h}, f16_bytes(gaussian(16 * h, seed, 0.5f))});
  t.push_back({"x_embedder.proj.weight", "F16", {h, 4, 2, 2}, f16_bytes(gaussian(h * 16, seed + 1, 0.2f))});
  vector("x_embedder.proj.bias", h);
  matrix("t_embedder.mlp.0.weight", h, 64);
  matrix("y_embedder.embedding_table.weight", 11, h);
  for (int b = 0; b < 2; ++b) {
    const std::string p = "blocks." + std::to_string(b) + ".";
    matrix(p + "attn.qkv.weight", 3 * h, h);
    vector(p + "attn.qkv.bias", 3 * h);
    vector(p + "attn.q_norm.weight", 32);
    matrix(p + "attn.proj.weight", h, h, b == 0 ? "F32" : "BF16");
    matrix(p + "mlp.fc1.weight", 4 * h, h);
    matrix(p + "mlp.fc2.weight", h, 4 * h + 5);  // rows not a multiple of the group size
    matrix(p + "adaLN_modulation.1.weight", 6 * h, h);
  }
  matrix("final_layer.linear.weight", 32, h);
  std::vector<uint8_t> steps(8 * 8, 0);
  for (int i = 0; i < 8; ++i) steps[std::size_t(i * 8)] = uint8_t(i);
  t.push_back({"num_steps", "I64", {8}, steps});
  return t;
}

void write_mini_dit(const std::filesystem::path& path, uint64_t seed) { write_safetensors(path, mini_dit_tensors(seed)); }

aq::JobResult run_quietly(const aq::JobConfig& config) {
  aq::JobObserver quiet;
  aq::CancelToken cancel;
  return aq::run_job(config, quiet, cancel);
}

}  // namespace aqtest
