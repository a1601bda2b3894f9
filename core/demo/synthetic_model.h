#pragma once
// Deterministic synthetic fp16 models shaped like real diffusion networks, with the weight
// statistics of trained ones (heavy tails, a few outlier input channels, per-row scale spread).
// The built-in demo model and the benchmark models are both made here; nothing is downloaded.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

#include "util/result.h"

namespace aq {

enum class SyntheticPreset {
  DemoDiTS2,  // DiT-S/2: 12 blocks, hidden 384, ~33M parameters (the built-in demo model)
  DiTB2,      // DiT-B/2: 12 blocks, hidden 768, ~130M
  DiTXL2,     // DiT-XL/2: 28 blocks, hidden 1152, ~675M
  Dream7B,    // Dream-7B / Qwen2.5-7B-shaped diffusion LLM, ~7.6B (about 15 GB on disk)
};

std::string_view preset_name(SyntheticPreset p);  // "demo", "dit-b2", "dit-xl2", "dream-7b"
std::optional<SyntheticPreset> preset_from_name(std::string_view name);
int64_t preset_params(SyntheticPreset p);

/// Writes the model as fp16 safetensors, tensor by tensor (memory stays small whatever the size),
/// atomically. The same preset and seed always give the same bytes. `progress` gets a fraction.
Status write_synthetic_model(SyntheticPreset preset, const std::filesystem::path& path,
                             uint64_t seed = 1, const std::function<void(double)>& progress = {});

/// The demo model's cache path: $XDG_CACHE_HOME/arrowquant (or ~/.cache/arrowquant)/demo-dit-s2.safetensors.
std::filesystem::path demo_model_path();
/// Creates the demo model at demo_model_path() if it is not there yet, and returns the path.
Result<std::filesystem::path> ensure_demo_model();

}  // namespace aq
