#pragma once
// Presets: one click sets bits, groups, method, mode and threads for a deployment target, or a
// GGUF output with a ggml type for a ggml runtime.
#include <QString>
#include <optional>
#include <vector>

#include "ui/settings/run_settings.h"

namespace aqui {

enum class Preset { Edge, Local, Cloud, GgufQ8_0, GgufQ4_K, GgufQ3_K };

struct PresetInfo {
  Preset id;
  QString name;     // "Edge"
  QString purpose;  // one line: what it is for
};

/// The deployment presets (ArrowQuant packed or HDF5 output; a GGUF choice goes back to packed).
const std::vector<PresetInfo>& presets();
/// The GGUF presets: format and ggml type only, the rest is left as it is.
const std::vector<PresetInfo>& ggufPresets();
/// `base` with the preset's fields set; the output path and write flag are left alone.
RunSettings applyPreset(Preset p, RunSettings base);
/// What the preset sets, in words: "INT4 · group 128 · symmetric · range search · streaming · 2 threads",
/// "GGUF · q4_k · 4.5 bpw".
QString presetSummary(Preset p);
/// The arrowquant-cli flags the preset stands for: "--bits 4 --group-size 128 --symmetric ...",
/// "--type q4_k" (for tooltips and the manual).
QString presetCliArguments(Preset p);
/// The preset these settings are exactly, if any (deployment or GGUF).
std::optional<Preset> matchingPreset(const RunSettings& s);

}  // namespace aqui
